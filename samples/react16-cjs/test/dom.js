'use strict';

// A browser-like global environment for React (React 16 and 18) under node --test.
const { JSDOM } = require('jsdom');

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
// Node 20 has no global navigator (React 18's scheduler reads it); Node 21+ has one.
if (typeof navigator === 'undefined') globalThis.navigator = dom.window.navigator;
globalThis.IS_REACT_ACT_ENVIRONMENT = true;
// React 16's scheduler would hold a MessageChannel port open and keep node from exiting;
// without one it schedules with timers.
delete globalThis.MessageChannel;
