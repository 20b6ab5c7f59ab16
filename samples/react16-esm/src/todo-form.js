import React, { Component } from 'react';

/** A form that adds the typed todo to its list (reads the field through a string ref). */
export class TodoForm extends Component {
  constructor(props) {
    super(props);
    this.state = { todos: [] };
    this.add = this.add.bind(this);
  }

  add(event) {
    event.preventDefault();
    const text = this.refs.field.value;
    this.setState((state) => ({ todos: state.todos.concat(text) }));
    this.refs.field.value = '';
  }

  render() {
    return React.createElement(
      'form',
      { className: 'todos', onSubmit: this.add },
      React.createElement('input', { ref: 'field' }),
      React.createElement(
        'ul',
        null,
        this.state.todos.map((todo, i) => React.createElement('li', { key: i }, todo))
      )
    );
  }
}
