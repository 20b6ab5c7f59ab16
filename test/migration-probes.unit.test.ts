// The migration probes of the analysis (infra/analysis/migration-probes.ts), run in the same
// parse as the rest of a file's analysis: React 16 APIs in CommonJS and ES modules, Python 2
// constructs, nothing found in modern code, and an unknown probe set refused up front.
import test from "ava";
import { analyzeFilesInThread } from "../infra/analysis/index.ts";
import { tempDir, writeFiles } from "./helpers/repos.ts";

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

const REACT_CJS = `const React = require("react");
const ReactDOM = require("react-dom");
const TestUtils = require("react-dom/test-utils");
class Clock extends React.Component {
  componentWillMount() { this.setState({ t: 0 }); }
  componentWillReceiveProps(next) {}
  render() { return React.createElement("div", { ref: "box" }); }
  focus() { ReactDOM.findDOMNode(this).focus(); this.refs.box.blur(); }
}
Clock.propTypes = { n: React.PropTypes.number };
ReactDOM.render(React.createElement(Clock), document.getElementById("root"));
`;
const REACT_ESM = `import React from "react";
import { render, unmountComponentAtNode } from "react-dom";
import { act } from "react-dom/test-utils";
export class Panel extends React.Component {
  componentWillUpdate() {}
  render() { return <div ref="panel" />; }
}
render(<Panel />, el);
unmountComponentAtNode(el);
`;
const MODERN = `import { createRoot } from "react-dom/client";
import { act } from "react";
createRoot(el).render(null);
`;
const PY2 = `import urllib2
from StringIO import StringIO
def pages(total, size):
    print "pages", total
    try:
        n = (total + size - 1) / size
    except ZeroDivisionError, e:
        raise ValueError, "size"
    for i in xrange(n):
        pass
    if d.has_key("a") and x <> 1:
        return unicode(n), 0777, 10L
`;

async function probe(files: Record<string, string>, probes: "react" | "python2") {
  const dir = await tempDir("patchbay-probes-", (fn) => cleanups.push(fn));
  await writeFiles(dir, files);
  const results = await analyzeFilesInThread(dir, Object.keys(files), { rules: [], probes });
  return results.flatMap((r) => r.deprecated.map((u) => `${u.file}:${u.line} ${u.api}`));
}

test("React 16 APIs in CommonJS and ES modules, with their lines; nothing in React 18 code", async (t) => {
  const found = await probe({ "cjs.js": REACT_CJS, "esm.jsx": REACT_ESM, "modern.js": MODERN }, "react");
  t.deepEqual(found, [
    "cjs.js:3 react-dom/test-utils",
    "cjs.js:5 componentWillMount",
    "cjs.js:6 componentWillReceiveProps",
    "cjs.js:7 string ref",
    "cjs.js:8 ReactDOM.findDOMNode",
    "cjs.js:8 string ref",
    "cjs.js:10 React.PropTypes",
    "cjs.js:11 ReactDOM.render",
    "esm.jsx:2 ReactDOM.render",
    "esm.jsx:2 ReactDOM.unmountComponentAtNode",
    "esm.jsx:3 react-dom/test-utils",
    "esm.jsx:5 componentWillUpdate",
    "esm.jsx:6 string ref",
  ]);
});

test("Python 2 constructs, with their lines", async (t) => {
  t.deepEqual(await probe({ "pkg/pages.py": PY2 }, "python2"), [
    "pkg/pages.py:1 import urllib2",
    "pkg/pages.py:2 import StringIO",
    "pkg/pages.py:4 print statement",
    "pkg/pages.py:6 /",
    "pkg/pages.py:7 except E, e",
    "pkg/pages.py:8 raise E, msg",
    "pkg/pages.py:9 xrange",
    "pkg/pages.py:11 dict.has_key()",
    "pkg/pages.py:11 <>",
    "pkg/pages.py:12 unicode",
    "pkg/pages.py:12 literal 0777",
    "pkg/pages.py:12 literal 10L",
  ]);
});

test("without probes nothing is probed; an unknown probe set is refused", async (t) => {
  const dir = await tempDir("patchbay-probes-", (fn) => cleanups.push(fn));
  await writeFiles(dir, { "a.py": PY2 });
  const [plain] = await analyzeFilesInThread(dir, ["a.py"], { rules: [] });
  t.deepEqual(plain?.deprecated, []);
  await t.throwsAsync(analyzeFilesInThread(dir, ["a.py"], { probes: "cobol" as "react" }), {
    message: /^probes: unknown probe set "cobol" \(known: react, python2\)$/,
  });
});
