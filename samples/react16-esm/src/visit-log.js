import React from 'react';

/** Records each mount in `log` (a side effect, no state). */
export class VisitLog extends React.Component {
  componentWillMount() {
    this.props.log.push('mounted ' + this.props.name);
  }

  render() {
    return React.createElement('p', { className: 'visit' }, 'Hello, ' + this.props.name);
  }
}
