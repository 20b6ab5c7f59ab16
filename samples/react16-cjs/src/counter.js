'use strict';

const React = require('react');

const h = React.createElement;

/** A counter that starts at `initial` and follows it when the parent changes it. */
class Counter extends React.Component {
  componentWillMount() {
    this.setState({ count: this.props.initial });
  }

  componentWillReceiveProps(nextProps) {
    if (nextProps.initial !== this.props.initial) {
      this.setState({ count: nextProps.initial });
    }
  }

  increment() {
    this.setState((state) => ({ count: state.count + 1 }));
  }

  render() {
    return h(
      'div',
      { className: 'counter' },
      h('span', { className: 'count' }, String(this.state.count)),
      h('button', { className: 'plus', onClick: () => this.increment() }, '+')
    );
  }
}

module.exports = { Counter };
