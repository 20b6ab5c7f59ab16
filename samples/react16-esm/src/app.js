import React from 'react';
import { Counter } from './counter.js';
import { NameField } from './name-field.js';
import { TodoForm } from './todo-form.js';
import { VisitLog } from './visit-log.js';

/** The application: a greeting, a counter, a name field and a todo form. */
export function App(props) {
  return React.createElement(
    'main',
    null,
    React.createElement(VisitLog, { name: props.name, log: props.log }),
    React.createElement(Counter, { initial: props.initial }),
    React.createElement(NameField, { value: props.name }),
    React.createElement(TodoForm, null)
  );
}
