import React from 'react';
import ReactDOM from 'react-dom';
import { App } from './app.js';

export const visits = [];
const container = document.getElementById('root');
ReactDOM.render(React.createElement(App, { name: 'Ada', initial: 2, log: visits }), container);

/** Unmounts the application. */
export function stop() {
  ReactDOM.unmountComponentAtNode(container);
}
