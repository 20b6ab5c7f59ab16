import React from 'react';
import { findDOMNode } from 'react-dom';

/** A text input that takes the focus when it mounts. */
export class NameField extends React.Component {
  componentDidMount() {
    findDOMNode(this).focus();
  }

  render() {
    return React.createElement('input', { className: 'name', defaultValue: this.props.value });
  }
}
