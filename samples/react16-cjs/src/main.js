'use strict';

const React = require('react');
const ReactDOM = require('react-dom');
const { App } = require('./app.js');

const visits = [];
const container = document.getElementById('root');
ReactDOM.render(React.createElement(App, { name: 'Ada', initial: 2, log: visits }), container);

/** Unmounts the application. */
function stop() {
  ReactDOM.unmountComponentAtNode(container);
}

module.exports = { stop, visits };
