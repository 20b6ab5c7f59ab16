'use strict';

const React = require('react');
const ReactDOM = require('react-dom');

/** A text input that takes the focus when it mounts. */
class NameField extends React.Component {
  componentDidMount() {
    ReactDOM.findDOMNode(this).focus();
  }

  render() {
    return React.createElement('input', { className: 'name', defaultValue: this.props.value });
  }
}

module.exports = { NameField };
