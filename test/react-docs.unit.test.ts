// react-docs: the code blocks of Markdown files go through the React source codemods; the
// prose, blocks in other languages and fragments the parser cannot read stay as they are.
import test from "ava";
import { reactDocs } from "../infra/codemods/react/react-docs.ts";

test("react-docs: the code blocks of Markdown migrated like the sources; prose, fragments and other languages untouched", async (t) => {
  const md = [
    "# App",
    "",
    "Call `ReactDOM.render` no more:",
    "",
    "```js",
    'const ReactDOM = require("react-dom");',
    'const container = document.getElementById("root");',
    "ReactDOM.render(React.createElement(App), container);",
    "```",
    "",
    "```jsx",
    "<App />,",
    "  ReactDOM.render(",
    "```",
    "",
    "```sh",
    "ReactDOM.render",
    "```",
    "",
  ].join("\n");
  const outcome = await reactDocs.apply(md, "readme.md");
  t.is(outcome.changes, 1);
  t.is(
    outcome.source,
    md.replace(
      'const ReactDOM = require("react-dom");\nconst container = document.getElementById("root");\nReactDOM.render(React.createElement(App), container);',
      'const { createRoot } = require("react-dom/client");\nconst container = document.getElementById("root");\nconst root = createRoot(container);\nroot.render(React.createElement(App));',
    ),
  );
  t.deepEqual(
    (await reactDocs.scan(md, "readme.md")).map((f) => `${f.line}:${f.api}`),
    ["8:ReactDOM.render"],
  );
  t.false(reactDocs.matches("src/a.js"));
  t.true(reactDocs.matches("docs/usage.mdx"));
});
