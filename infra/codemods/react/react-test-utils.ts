/**
 * `react-test-utils`: `react-dom/test-utils` → `act` from `react` (React 18.3 exports it there).
 *
 * - An import or require that takes only `act` keeps its shape and gets `react` as its module.
 * - `act` taken with other utilities moves to a `react` import (added in the file's style, or
 *   merged into an existing one); the others stay and are listed.
 * - A whole-module binding (`import TestUtils from`, `import * as`, `const TestUtils = require`):
 *   `TestUtils.act` → `act` imported from `react`; any other `TestUtils.x` stays and is listed;
 *   the binding is dropped once nothing uses it.
 * Both `react-dom/test-utils` and `react-dom/test-utils.js` (the ES-module spelling for React 16,
 * which has no exports map) are read.
 */
import type { ASTPath } from "jscodeshift";
import type { Codemod, CodemodOutcome, SourceFinding } from "../codemod.ts";
import type { ParsedFile } from "./js-file.ts";
import { findingAt, guardSyntax, guardSyntaxScan, isScriptFile, parseFile, printFile } from "./js-file.ts";
import {
  ensureNamedImport,
  isRequireOf,
  removeUnusedImports,
  setPatternProperties,
  wholeModuleNames,
} from "./module-bindings.ts";

type AnyNode = { type: string; [key: string]: unknown };

const TEST_UTILS = ["react-dom/test-utils", "react-dom/test-utils.js"];

/** One import declaration or require declarator of the test utilities. */
interface UtilsBinding {
  path: ASTPath;
  /** The module-name literal's owner and key, to point it at `react`. */
  source: { owner: AnyNode; key: string };
  /** Named bindings: imported name → local name. */
  named: Map<string, string>;
}

function namedOf(node: AnyNode): Map<string, string> {
  const named = new Map<string, string>();
  if (node.type === "ImportDeclaration") {
    for (const s of node.specifiers as AnyNode[]) {
      if (s.type === "ImportSpecifier")
        named.set(String((s.imported as AnyNode).name), String((s.local as AnyNode).name));
    }
    return named;
  }
  const id = node.id as AnyNode;
  if (id.type !== "ObjectPattern") return named;
  for (const s of id.properties as AnyNode[])
    named.set(String((s.key as AnyNode)?.name), String((s.value as AnyNode)?.name));
  return named;
}

function utilsBindings(p: ParsedFile): UtilsBinding[] {
  const { j } = p;
  const imports = p.root
    .find(j.ImportDeclaration)
    .filter((path) => TEST_UTILS.includes(String(path.node.source.value)));
  const requires = p.root.find(j.VariableDeclarator).filter((path) => isRequireOf(path.node.init, TEST_UTILS));
  return [
    ...imports.paths().map((path) => ({
      path,
      source: { owner: path.node as unknown as AnyNode, key: "source" },
      named: namedOf(path.node as unknown as AnyNode),
    })),
    ...requires.paths().map((path) => ({
      path,
      source: { owner: path.node.init as unknown as AnyNode, key: "arguments" },
      named: namedOf(path.node as unknown as AnyNode),
    })),
  ];
}

function pointAtReact(p: ParsedFile, binding: UtilsBinding): void {
  const literal = p.j.literal("react");
  if (binding.source.key === "source") binding.source.owner.source = literal;
  else binding.source.owner.arguments = [literal];
}

function dropNamed(p: ParsedFile, binding: UtilsBinding, imported: string): void {
  const node = binding.path.node as unknown as AnyNode;
  if (node.type === "ImportDeclaration") {
    node.specifiers = (node.specifiers as AnyNode[]).filter(
      (s) => (s.imported as AnyNode | undefined)?.name !== imported,
    );
  } else {
    const properties = ((node.id as AnyNode).properties as AnyNode[]).filter(
      (s) => (s.key as AnyNode)?.name !== imported,
    );
    setPatternProperties(p, binding.path, properties);
  }
}

/** Migrates the named `act` of one binding; lists its other named utilities. Returns the changes. */
function migrateNamed(p: ParsedFile, binding: UtilsBinding, leftovers: SourceFinding[]): number {
  const others = [...binding.named.keys()].filter((name) => name !== "act");
  for (const name of others) {
    leftovers.push(
      findingAt(
        p,
        binding.path.node,
        `react-dom/test-utils ${name}`,
        "no React 18 equivalent in react: use @testing-library/react or DOM events",
      ),
    );
  }
  if (!binding.named.has("act")) return 0;
  const whole = wholeModuleNames(p, TEST_UTILS).length > 0;
  if (others.length === 0 && !whole && binding.named.get("act") === "act") {
    pointAtReact(p, binding);
  } else {
    dropNamed(p, binding, "act");
    ensureNamedImport(p, "react", "act", ["react"]);
  }
  return 1;
}

/** `TestUtils.act` → `act` from react; other `TestUtils.x` are listed. Returns the changes. */
function migrateWhole(p: ParsedFile, leftovers: SourceFinding[]): number {
  const { j } = p;
  const names = new Set(wholeModuleNames(p, TEST_UTILS));
  let changes = 0;
  p.root
    .find(j.MemberExpression)
    .filter((path) => path.node.object.type === "Identifier" && names.has(path.node.object.name) && !path.node.computed)
    .forEach((path) => {
      const name = String((path.node.property as unknown as AnyNode).name);
      if (name !== "act") {
        leftovers.push(
          findingAt(
            p,
            path.node,
            `react-dom/test-utils ${name}`,
            "no React 18 equivalent in react: use @testing-library/react or DOM events",
          ),
        );
        return;
      }
      j(path).replaceWith(j.identifier(ensureNamedImport(p, "react", "act", ["react"])));
      changes += 1;
    });
  return changes;
}

function migrate(source: string, file: string): CodemodOutcome {
  const p = parseFile(source, file);
  const leftovers: SourceFinding[] = [];
  let changes = 0;
  for (const binding of utilsBindings(p)) changes += migrateNamed(p, binding, leftovers);
  changes += migrateWhole(p, leftovers);
  if (changes > 0) removeUnusedImports(p, TEST_UTILS);
  return { source: printFile(p, source, changes), changes, leftovers };
}

/** The `react-test-utils` codemod. */
export const reactTestUtils: Codemod = {
  id: "react-test-utils",
  description: "react-dom/test-utils → act from react; other utilities listed",
  matches: isScriptFile,
  scan: guardSyntaxScan((source, file) => {
    const p = parseFile(source, file);
    return utilsBindings(p).map((binding) =>
      findingAt(p, binding.path.node, "react-dom/test-utils", "deprecated in React 18.3: act moved to react"),
    );
  }),
  apply: guardSyntax(migrate),
};
