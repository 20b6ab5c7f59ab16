'use strict';

const React = require('react');
const { Counter } = require('./counter.js');
const { NameField } = require('./name-field.js');
const { TodoForm } = require('./todo-form.js');
const { VisitLog } = require('./visit-log.js');

/** The application: a greeting, a counter, a name field and a todo form. */
function App(props) {
  return React.createElement(
    'main',
    null,
    React.createElement(VisitLog, { name: props.name, log: props.log }),
    React.createElement(Counter, { initial: props.initial }),
    React.createElement(NameField, { value: props.name }),
    React.createElement(TodoForm, null)
  );
}

module.exports = { App };
