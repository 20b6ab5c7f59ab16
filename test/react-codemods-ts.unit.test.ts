// Unit tests of the React 16 → 18 codemods on TypeScript (.tsx, Babel's TypeScript node shapes)
// and on a file its parser rejects (snippets in both module styles: react-codemods.unit.test.ts).
import test from "ava";
import type { Codemod, CodemodOutcome } from "../infra/codemods/codemod.ts";
import { REACT_CODEMODS } from "../infra/codemods/react/index.ts";

async function apply(id: string, source: string, file: string): Promise<CodemodOutcome> {
  const codemod = REACT_CODEMODS.find((c) => c.id === id) as Codemod;
  return codemod.apply(source, file);
}

const COUNTER_TSX = `import * as React from "react";
import * as ReactDOM from "react-dom";

interface Props {
  initial: number;
}

export class Counter extends React.Component<Props, { count: number }> {
  componentWillMount(): void {
    this.setState({ count: this.props.initial });
  }

  componentDidMount(): void {
    (this.refs.label as HTMLElement).title = "count";
  }

  render() {
    return <p>{React.createElement("span", { ref: "label" }, this.state.count)}</p>;
  }
}

const container = document.getElementById("root") as HTMLElement;
ReactDOM.render(<Counter initial={1} />, container);
`;

test("react-lifecycles (TypeScript): the new constructor's props typed with the component's props type", async (t) => {
  const outcome = await apply("react-lifecycles", COUNTER_TSX, "src/counter.tsx");
  t.is(
    outcome.source,
    COUNTER_TSX.replace(
      "componentWillMount(): void {\n    this.setState({ count: this.props.initial });",
      "constructor(props: Props) {\n    super(props);\n    this.state = { count: this.props.initial };",
    ),
  );
  t.is(outcome.changes, 1);
  const untyped = COUNTER_TSX.replace("React.Component<Props, { count: number }>", "React.Component");
  const renamed = await apply("react-lifecycles", untyped, "src/counter.tsx");
  t.is(renamed.source, untyped.replace("componentWillMount()", "UNSAFE_componentWillMount()"));
  t.deepEqual(
    renamed.leftovers.map((l) => `${l.line}:${l.api}`),
    ["9:componentWillMount"],
  );
});

test("react-find-dom-node and react-root-api (TypeScript): string refs in object props, the root kept", async (t) => {
  const refs = await apply("react-find-dom-node", COUNTER_TSX, "src/counter.tsx");
  t.is(
    refs.source,
    COUNTER_TSX.replace("{ count: number }> {\n", "{ count: number }> {\n  labelRef = React.createRef();\n")
      .replace("this.refs.label", "this.labelRef.current")
      .replace('ref: "label"', "ref: this.labelRef"),
  );
  t.is(refs.changes, 2);
  const roots = await apply("react-root-api", COUNTER_TSX, "src/counter.tsx");
  t.is(
    roots.source,
    COUNTER_TSX.replace(
      'import * as ReactDOM from "react-dom";',
      'import { createRoot } from "react-dom/client";',
    ).replace(
      "ReactDOM.render(<Counter initial={1} />, container);",
      "const root = createRoot(container);\nroot.render(<Counter initial={1} />);",
    ),
  );
});

test("a file the parser rejects is returned unchanged with one leftover at the error's line", async (t) => {
  const broken = "import ReactDOM from 'react-dom';\n\nReactDOM.render(<App /, root);\n";
  for (const codemod of REACT_CODEMODS.filter((c) => c.matches("src/broken.js") && c.id !== "react-deps")) {
    const outcome = await codemod.apply(broken, "src/broken.js");
    t.is(outcome.source, broken);
    t.is(outcome.changes, 0);
    t.deepEqual(
      outcome.leftovers.map((l) => `${l.file}:${l.line}:${l.api}`),
      ["src/broken.js:3:syntax error"],
      codemod.id,
    );
    t.deepEqual(
      (await codemod.scan(broken, "src/broken.js")).map((f) => f.api),
      ["syntax error"],
    );
  }
});
