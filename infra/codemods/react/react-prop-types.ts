/**
 * `react-prop-types`: `React.PropTypes` (and `PropTypes` taken from `react`) → the `prop-types`
 * package. The rewrite is react-codemod's own `React-PropTypes-to-prop-types` transform, run with
 * this file's parser: it adds `import PropTypes from "prop-types"`, or a `require` in a CommonJS
 * file, next to the imports that sort after it. A file it cannot rewrite is listed as leftovers.
 */
import { createRequire } from "node:module";
import type { API, FileInfo, Options } from "jscodeshift";
import type { Codemod, CodemodOutcome, SourceFinding } from "../codemod.ts";
import type { ParsedFile } from "./js-file.ts";
import { findingAt, guardSyntax, guardSyntaxScan, isScriptFile, parseFile } from "./js-file.ts";
import { isRequireOf } from "./module-bindings.ts";

type Transform = (file: FileInfo, api: API, options: Options) => string | null | undefined;

const require = createRequire(import.meta.url);
const propTypesToPackage = require("react-codemod/transforms/React-PropTypes-to-prop-types.js") as Transform;

const MESSAGE = "React.PropTypes was removed in React 16: use the prop-types package";

/** `React.PropTypes`, `import { PropTypes } from "react"`, `const { PropTypes } = React | require("react")`. */
function propTypesUses(p: ParsedFile): SourceFinding[] {
  const { j } = p;
  const members = p.root.find(j.MemberExpression, { object: { name: "React" }, property: { name: "PropTypes" } });
  const specifiers = p.root
    .find(j.ImportSpecifier, { imported: { name: "PropTypes" } })
    .filter((path) => path.parent.node.source.value === "react");
  const patterns = p.root.find(j.VariableDeclarator).filter((path) => {
    const init = path.node.init as { type: string; name?: string } | null;
    const fromReact = (init?.type === "Identifier" && init.name === "React") || isRequireOf(init, ["react"]);
    return fromReact && j(path.get("id")).find(j.Identifier, { name: "PropTypes" }).size() > 0;
  });
  return [...members.paths(), ...specifiers.paths(), ...patterns.paths()].map((path) =>
    findingAt(p, path.node, "React.PropTypes", MESSAGE),
  );
}

function migrate(source: string, file: string): CodemodOutcome {
  const p = parseFile(source, file);
  const uses = propTypesUses(p);
  if (uses.length === 0) return { source, changes: 0, leftovers: [] };
  const noop = (): void => undefined;
  const api = { jscodeshift: p.j, j: p.j, stats: noop, report: noop } as unknown as API;
  const options = { printOptions: { quote: p.quote === "'" ? "single" : "double" } };
  try {
    const output = propTypesToPackage({ path: file, source }, api, options);
    if (typeof output === "string" && output !== source) return { source: output, changes: uses.length, leftovers: [] };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      source,
      changes: 0,
      leftovers: uses.map((use) => ({ ...use, message: `react-codemod failed: ${reason}` })),
    };
  }
  return { source, changes: 0, leftovers: uses };
}

/** The `react-prop-types` codemod. */
export const reactPropTypes: Codemod = {
  id: "react-prop-types",
  description: "React.PropTypes → the prop-types package (react-codemod's transform)",
  matches: isScriptFile,
  scan: guardSyntaxScan((source, file) => propTypesUses(parseFile(source, file))),
  apply: guardSyntax(migrate),
};
