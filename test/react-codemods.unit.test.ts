// Unit tests of the React 16 → 18 codemods (infra/codemods/react): real snippets in both module
// styles, the exact output text, the change counts, the leftovers with their lines, the scans,
// and files with nothing to migrate left byte for byte.
import test from "ava";
import type { Codemod, CodemodOutcome } from "../infra/codemods/codemod.ts";
import { REACT_CODEMODS } from "../infra/codemods/react/index.ts";

function codemod(id: string): Codemod {
  const found = REACT_CODEMODS.find((c) => c.id === id);
  if (found === undefined) throw new Error(`no codemod ${id}`);
  return found;
}

async function apply(id: string, source: string, file = "src/file.js"): Promise<CodemodOutcome> {
  return codemod(id).apply(source, file);
}

async function scanned(id: string, source: string, file = "src/file.js"): Promise<string[]> {
  return (await codemod(id).scan(source, file)).map((f) => `${f.line}:${f.api}`);
}

function lines(outcome: CodemodOutcome): string[] {
  return outcome.leftovers.map((l) => `${l.file}:${l.line}:${l.api}`);
}

test("REACT_CODEMODS: the six codemods in plan order, each matching its files", (t) => {
  t.deepEqual(
    REACT_CODEMODS.map((c) => c.id),
    [
      "react-deps",
      "react-prop-types",
      "react-lifecycles",
      "react-find-dom-node",
      "react-root-api",
      "react-test-utils",
      "react-docs",
    ],
  );
  t.true(codemod("react-deps").matches("web/package.json"));
  t.false(codemod("react-deps").matches("node_modules/react/package.json"));
  for (const file of ["a.js", "b.mjs", "c.cjs", "d.jsx", "e.ts", "f.tsx"])
    t.true(codemod("react-root-api").matches(file));
  t.false(codemod("react-root-api").matches("types.d.ts"));
});

const PACKAGE = `{
    "name": "web",
    "dependencies": {
        "react": "16.14.0",
        "react-dom": "^16.8.0",
        "left-pad": "^1.3.0"
    },
    "devDependencies": {
        "@testing-library/jest-dom": "^5.16.5",
        "@testing-library/react": "^12.1.5",
        "enzyme": "^3.11.0",
        "enzyme-adapter-react-16": "^1.15.7",
        "react-test-renderer": "16.14.0"
    }
}
`;

test("react-deps: React and its testing libraries → 18, formatting and order kept, enzyme listed", async (t) => {
  const outcome = await apply("react-deps", PACKAGE, "package.json");
  t.is(
    outcome.source,
    PACKAGE.replace('"16.14.0",', '"^18.3.1",')
      .replace('"^16.8.0"', '"^18.3.1"')
      .replace('"^12.1.5"', '"^14.3.0"')
      .replace('"16.14.0"\n', '"^18.3.1"\n'),
  );
  t.is(outcome.changes, 4);
  t.deepEqual(lines(outcome), ["package.json:11:enzyme@^3.11.0", "package.json:12:enzyme-adapter-react-16@^1.15.7"]);
  t.deepEqual(await scanned("react-deps", PACKAGE, "package.json"), [
    "4:react@16.14.0",
    "5:react-dom@^16.8.0",
    "10:@testing-library/react@^12.1.5",
    "11:enzyme@^3.11.0",
    "12:enzyme-adapter-react-16@^1.15.7",
    "13:react-test-renderer@16.14.0",
  ]);
});

test("react-deps: a React 18 package.json is left as it is", async (t) => {
  const current = '{ "dependencies": { "react": "^18.2.0", "react-dom": "^18.2.0" } }\n';
  t.deepEqual(await apply("react-deps", current, "package.json"), { source: current, changes: 0, leftovers: [] });
  t.deepEqual(await scanned("react-deps", current, "package.json"), []);
});

const COUNTER_CJS = `'use strict';

const React = require('react');

class Counter extends React.Component {
  componentWillMount() {
    this.setState({ count: this.props.initial });
  }

  componentWillReceiveProps(next) {
    this.setState({ count: next.initial });
  }

  render() {
    return null;
  }
}
`;

test("react-lifecycles (CommonJS): initial state → a new constructor, componentWillReceiveProps → UNSAFE_ and listed", async (t) => {
  const outcome = await apply("react-lifecycles", COUNTER_CJS, "src/counter.js");
  t.is(
    outcome.source,
    COUNTER_CJS.replace(
      "componentWillMount() {\n    this.setState({ count: this.props.initial });",
      "constructor(props) {\n    super(props);\n    this.state = { count: this.props.initial };",
    ).replace("componentWillReceiveProps(next)", "UNSAFE_componentWillReceiveProps(next)"),
  );
  t.is(outcome.changes, 2);
  t.deepEqual(lines(outcome), ["src/counter.js:10:componentWillReceiveProps"]);
  t.deepEqual(await scanned("react-lifecycles", COUNTER_CJS), ["6:componentWillMount", "10:componentWillReceiveProps"]);
});

const PROFILE_ESM = `import React, { Component } from "react";

export class Profile extends Component {
  constructor(props) {
    super(props);
    this.state = { open: false };
  }

  componentWillMount() {
    this.setState({ name: this.props.name });
  }

  componentWillUpdate(next) {
    console.log(next);
  }
}

export class Tracker extends Component {
  componentWillMount() {
    window.addEventListener("resize", this.props.onResize);
  }

  componentDidMount() {
    this.props.onReady();
  }
}

export class Loader extends Component {
  componentWillMount() {
    this.setState({ loading: true });
    fetch(this.props.url);
  }
}
`;

test("react-lifecycles (ES modules): state merged into the constructor, side effects first in componentDidMount, mixed → UNSAFE_", async (t) => {
  const outcome = await apply("react-lifecycles", PROFILE_ESM);
  t.is(
    outcome.source,
    PROFILE_ESM.replace(
      "    this.state = { open: false };\n  }\n\n  componentWillMount() {\n    this.setState({ name: this.props.name });\n  }",
      "    this.state = { open: false };\n\n    this.state = {\n      ...this.state,\n      name: this.props.name\n    };\n  }",
    )
      .replace("componentWillUpdate(next)", "UNSAFE_componentWillUpdate(next)")
      .replace(
        '  componentWillMount() {\n    window.addEventListener("resize", this.props.onResize);\n  }\n\n  componentDidMount() {\n',
        '  componentDidMount() {\n    window.addEventListener("resize", this.props.onResize);\n',
      )
      .replace(
        "componentWillMount() {\n    this.setState({ loading",
        "UNSAFE_componentWillMount() {\n    this.setState({ loading",
      ),
  );
  t.is(outcome.changes, 4);
  t.deepEqual(lines(outcome), ["src/file.js:13:componentWillUpdate", "src/file.js:29:componentWillMount"]);
});

test("react-lifecycles: createReactClass specs are renamed and listed; a file without lifecycles is unchanged", async (t) => {
  const spec =
    "const Legacy = createReactClass({\n  componentWillReceiveProps(next) {},\n  render() {\n    return null;\n  },\n});\n";
  const outcome = await apply("react-lifecycles", spec);
  t.is(outcome.source, spec.replace("componentWillReceiveProps", "UNSAFE_componentWillReceiveProps"));
  t.deepEqual(lines(outcome), ["src/file.js:2:componentWillReceiveProps"]);
  const plain = "class A extends React.Component {\n  componentDidMount() {}\n}\n";
  t.deepEqual(await apply("react-lifecycles", plain), { source: plain, changes: 0, leftovers: [] });
});

const MAIN_CJS = `'use strict';

const React = require('react');
const ReactDOM = require('react-dom');
const { App } = require('./app.js');

const container = document.getElementById('root');
ReactDOM.render(React.createElement(App), container);

function stop() {
  ReactDOM.unmountComponentAtNode(container);
}

module.exports = { stop };
`;

test("react-root-api (CommonJS): the root kept after the container, unmount → root.unmount(), require replaced", async (t) => {
  const outcome = await apply("react-root-api", MAIN_CJS, "src/main.js");
  t.is(
    outcome.source,
    MAIN_CJS.replace("const ReactDOM = require('react-dom');", "const { createRoot } = require('react-dom/client');")
      .replace(
        "ReactDOM.render(React.createElement(App), container);",
        "const root = createRoot(container);\nroot.render(React.createElement(App));",
      )
      .replace("ReactDOM.unmountComponentAtNode(container);", "root.unmount();"),
  );
  t.is(outcome.changes, 2);
  t.deepEqual(outcome.leftovers, []);
  t.deepEqual(await scanned("react-root-api", MAIN_CJS), ["8:ReactDOM.render", "11:ReactDOM.unmountComponentAtNode"]);
});

const ROOTS_ESM = `import React from "react";
import { render, hydrate, unmountComponentAtNode } from "react-dom";
import { App } from "./app.js";

render(React.createElement(App), document.getElementById("app"));

export function hydrateShell() {
  const shell = document.getElementById("shell");
  hydrate(React.createElement(App), shell);
  return function stop() {
    unmountComponentAtNode(shell);
  };
}

export function renderWithCallback(node) {
  render(React.createElement(App), node, () => console.log("done"));
  unmountComponentAtNode(node);
}
`;

test("react-root-api (ES modules): named imports, hydrateRoot kept as a root, a callback and an unknown root listed", async (t) => {
  const outcome = await apply("react-root-api", ROOTS_ESM);
  t.is(
    outcome.source,
    ROOTS_ESM.replace('"react-dom";\n', '"react-dom";\nimport { createRoot, hydrateRoot } from "react-dom/client";\n')
      .replace("render, hydrate, unmountComponentAtNode", "render, unmountComponentAtNode")
      .replace(
        'render(React.createElement(App), document.getElementById("app"));',
        'createRoot(document.getElementById("app")).render(React.createElement(App));',
      )
      .replace(
        "hydrate(React.createElement(App), shell);",
        "const root = hydrateRoot(shell, React.createElement(App));",
      )
      .replace("    unmountComponentAtNode(shell);", "    root.unmount();"),
  );
  t.is(outcome.changes, 3);
  t.deepEqual(lines(outcome), ["src/file.js:16:ReactDOM.render", "src/file.js:17:ReactDOM.unmountComponentAtNode"]);
  const unkept = ROOTS_ESM.replace("  return function stop() {\n    unmountComponentAtNode(shell);\n  };\n", "");
  t.regex((await apply("react-root-api", unkept)).source, /\n {2}hydrateRoot\(shell, React\.createElement\(App\)\);\n/);
  const none = 'import { createRoot } from "react-dom/client";\ncreateRoot(el).render(app);\n';
  t.deepEqual(await apply("react-root-api", none), { source: none, changes: 0, leftovers: [] });
});

const NAME_FIELD_CJS = `const React = require('react');
const ReactDOM = require('react-dom');

class NameField extends React.Component {
  componentDidMount() {
    ReactDOM.findDOMNode(this).focus();
  }

  render() {
    return React.createElement('input', null);
  }
}
`;

test("react-find-dom-node (CommonJS): findDOMNode(this) → a ref on the rendered host element, the require dropped", async (t) => {
  const outcome = await apply("react-find-dom-node", NAME_FIELD_CJS);
  t.is(
    outcome.source,
    NAME_FIELD_CJS.replace("const ReactDOM = require('react-dom');\n", "")
      .replace("Component {\n", "Component {\n  nodeRef = React.createRef();\n")
      .replace("ReactDOM.findDOMNode(this)", "this.nodeRef.current")
      .replace("'input', null", "'input', {\n      ref: this.nodeRef\n    }"),
  );
  t.is(outcome.changes, 1);
  t.deepEqual(await scanned("react-find-dom-node", NAME_FIELD_CJS), ["6:findDOMNode"]);
});

const SEARCH_ESM = `import React from "react";
import ReactDOM from "react-dom";

export class Search extends React.Component {
  constructor(props) {
    super(props);
    this.state = {};
  }

  focus() {
    this.refs.query.focus();
  }

  render() {
    return <input ref="query" />;
  }
}

export class Panel extends React.Component {
  measure() {
    return ReactDOM.findDOMNode(this).offsetHeight + this.refs.missing.offsetHeight;
  }

  render() {
    return this.props.open ? <div /> : null;
  }
}
`;

test("react-find-dom-node (ES modules, JSX): a string ref → createRef in the constructor; unprovable uses listed", async (t) => {
  const outcome = await apply("react-find-dom-node", SEARCH_ESM, "src/search.jsx");
  t.is(
    outcome.source,
    SEARCH_ESM.replace("super(props);\n", "super(props);\n    this.queryRef = React.createRef();\n")
      .replace("this.refs.query.focus()", "this.queryRef.current.focus()")
      .replace('ref="query"', "ref={this.queryRef}"),
  );
  t.is(outcome.changes, 2);
  t.deepEqual(lines(outcome), ["src/search.jsx:21:this.refs", "src/search.jsx:21:findDOMNode"]);
  t.deepEqual(await scanned("react-find-dom-node", SEARCH_ESM, "src/search.jsx"), ["21:findDOMNode", "15:string ref"]);
});

test("react-test-utils (CommonJS): act → require('react'), Simulate listed", async (t) => {
  const source = "const { act } = require('react-dom/test-utils');\n\nact(() => {});\n";
  const outcome = await apply("react-test-utils", source, "test/a.test.js");
  t.is(outcome.source, "const { act } = require('react');\n\nact(() => {});\n");
  t.is(outcome.changes, 1);
  const mixed =
    "const React = require('react');\nconst { act, Simulate } = require('react-dom/test-utils');\n\nact(() => Simulate.click(b));\n";
  const split = await apply("react-test-utils", mixed, "test/a.test.js");
  t.is(
    split.source,
    "const React = require('react');\nconst { act } = require('react');\nconst { Simulate } = require('react-dom/test-utils');\n\nact(() => Simulate.click(b));\n",
  );
  t.deepEqual(lines(split), ["test/a.test.js:2:react-dom/test-utils Simulate"]);
  t.deepEqual(await scanned("react-test-utils", mixed), ["2:react-dom/test-utils"]);
});

test("react-test-utils (ES modules): TestUtils.act → act merged into the react import, the default import dropped", async (t) => {
  const source =
    'import React from "react";\nimport TestUtils from "react-dom/test-utils.js";\n\nTestUtils.act(() => {});\n';
  const outcome = await apply("react-test-utils", source, "test/a.test.js");
  t.is(outcome.source, 'import React, { act } from "react";\n\nact(() => {});\n');
  t.is(outcome.changes, 1);
  t.deepEqual(outcome.leftovers, []);
  const none = 'import { act } from "react";\n';
  t.deepEqual(await apply("react-test-utils", none), { source: none, changes: 0, leftovers: [] });
});

const GREETING = `class Greeting extends React.Component {}

Greeting.propTypes = { name: React.PropTypes.string.isRequired };
`;

test("react-prop-types: React.PropTypes → prop-types, with a require (CommonJS) or an import (ES modules)", async (t) => {
  const cjs = `'use strict';\n\nconst React = require('react');\n\n${GREETING}`;
  const fromCjs = await apply("react-prop-types", cjs);
  t.is(
    fromCjs.source,
    `'use strict';\n\nconst PropTypes = require('prop-types');\n\nconst React = require('react');\n\n${GREETING.replace("React.PropTypes", "PropTypes")}`,
  );
  t.is(fromCjs.changes, 1);
  const esm = `import React from "react";\n\n${GREETING}`;
  const fromEsm = await apply("react-prop-types", esm);
  t.is(
    fromEsm.source,
    `import PropTypes from "prop-types";\nimport React from "react";\n\n${GREETING.replace("React.PropTypes", "PropTypes")}`,
  );
  t.deepEqual(await scanned("react-prop-types", esm), ["5:React.PropTypes"]);
  t.deepEqual(await apply("react-prop-types", "import PropTypes from 'prop-types';\n"), {
    source: "import PropTypes from 'prop-types';\n",
    changes: 0,
    leftovers: [],
  });
});
