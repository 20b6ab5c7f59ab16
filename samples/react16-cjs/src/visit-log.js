'use strict';

const React = require('react');

/** Records each mount in `log` (a side effect, no state). */
class VisitLog extends React.Component {
  componentWillMount() {
    this.props.log.push('mounted ' + this.props.name);
  }

  render() {
    return React.createElement('p', { className: 'visit' }, 'Hello, ' + this.props.name);
  }
}

module.exports = { VisitLog };
