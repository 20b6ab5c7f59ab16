/**
 * `react-find-dom-node`: `findDOMNode(this)` and string refs → `createRef()` refs.
 *
 * - `ReactDOM.findDOMNode(this)` (or an imported `findDOMNode`) in a method of a class whose
 *   `render()` is a single `return` of a host element (`createElement("div", {…})`, an alias
 *   of `createElement`, or `<div …>`) without a `ref` → `this.nodeRef.current`, with
 *   `ref: this.nodeRef` added to that element. Any other `findDOMNode` is a leftover.
 * - A string ref `ref: "x"` (or `ref="x"`) created in a method of a class, with its reads
 *   `this.refs.x` in the same class → `this.xRef` and `this.xRef.current`. A read of a ref the
 *   class does not create, a computed `this.refs[…]`, and a string ref outside a class are
 *   leftovers.
 * The ref is created as `this.<name> = React.createRef()` after `super(…)` in the constructor,
 * else as a class field.
 */
import type { ASTPath, CallExpression } from "jscodeshift";
import type { Codemod, CodemodOutcome, SourceFinding } from "../codemod.ts";
import { isThisMember } from "./class-members.ts";
import { addRefField, ownerClass, refFieldName, renderedRoot } from "./component-refs.ts";
import type { ParsedFile } from "./js-file.ts";
import { findingAt, guardSyntax, guardSyntaxScan, isScriptFile, parseFile, printFile } from "./js-file.ts";
import { namedImportLocal, removeUnusedImports, stringValue, wholeModuleNames } from "./module-bindings.ts";

type AnyNode = { type: string; [key: string]: unknown };

const DOM = ["react-dom"];

/** The rewrite state of one file. */
interface RefRewrite {
  p: ParsedFile;
  changes: number;
  leftovers: SourceFinding[];
  fields: Map<ASTPath, Set<string>>;
}

function findDomNodeCalls(p: ParsedFile): ASTPath<CallExpression>[] {
  const whole = new Set(wholeModuleNames(p, DOM));
  const local = namedImportLocal(p, DOM, "findDOMNode");
  return p.root
    .find(p.j.CallExpression)
    .filter((path) => {
      const callee = path.node.callee as unknown as AnyNode;
      if (callee.type === "Identifier") return callee.name === local;
      const object = callee.object as AnyNode | undefined;
      return (
        callee.type === "MemberExpression" &&
        object?.type === "Identifier" &&
        whole.has(String(object.name)) &&
        (callee.property as AnyNode).name === "findDOMNode"
      );
    })
    .paths();
}

/** A string ref: the literal, in an object property `ref: "x"` or a JSX attribute `ref="x"`. */
function stringRefs(p: ParsedFile): ASTPath[] {
  const { j } = p;
  const properties = [...p.root.find(j.Property).paths(), ...p.root.find(j.ObjectProperty).paths()];
  const inObjects = properties.filter(
    (path) => (path.node.key as AnyNode).name === "ref" && stringValue(path.node.value) !== null,
  );
  const inJsx = p.root
    .find(j.JSXAttribute)
    .filter((path) => path.node.name.name === "ref" && stringValue(path.node.value) !== null);
  return [...inObjects, ...inJsx.paths()];
}

/** Reads `this.refs.x` / `this.refs["x"]` / `this.refs[expr]`. */
function refReads(p: ParsedFile): ASTPath[] {
  return p.root
    .find(p.j.MemberExpression)
    .filter((path) => isThisMember(path.node.object, "refs"))
    .paths();
}

function refName(read: ASTPath): string | null {
  const node = read.node as unknown as AnyNode;
  const property = node.property as AnyNode;
  if (!node.computed) return String(property.name);
  return stringValue(property);
}

function fieldFor(rewrite: RefRewrite, classPath: ASTPath, base: string): string {
  const taken = rewrite.fields.get(classPath) ?? new Set<string>();
  rewrite.fields.set(classPath, taken);
  const field = refFieldName(classPath, base, taken);
  addRefField(rewrite.p, classPath, field);
  return field;
}

function thisField(p: ParsedFile, field: string, current: boolean): AnyNode {
  const { j } = p;
  const ref = j.memberExpression(j.thisExpression(), j.identifier(field));
  return (current ? j.memberExpression(ref, j.identifier("current")) : ref) as unknown as AnyNode;
}

function migrateFindDomNode(rewrite: RefRewrite): void {
  const { p } = rewrite;
  const byClass = new Map<ASTPath, ASTPath<CallExpression>[]>();
  for (const call of findDomNodeCalls(p)) {
    const owner = (call.node.arguments[0] as AnyNode | undefined)?.type === "ThisExpression" ? ownerClass(call) : null;
    const root = owner === null ? null : renderedRoot(owner);
    if (owner === null || root === null) {
      rewrite.leftovers.push(
        findingAt(
          p,
          call.node,
          "findDOMNode",
          "not findDOMNode(this) of a class rendering one host element without a ref: use a ref by hand",
        ),
      );
      continue;
    }
    byClass.set(owner, [...(byClass.get(owner) ?? []), call]);
  }
  for (const [owner, calls] of byClass) {
    const field = fieldFor(rewrite, owner, "nodeRef");
    renderedRoot(owner)?.attach(p, thisField(p, field, false));
    for (const call of calls) p.j(call).replaceWith(thisField(p, field, true) as never);
    rewrite.changes += calls.length;
  }
}

function migrateClassStringRefs(rewrite: RefRewrite, owner: ASTPath, literals: ASTPath[], reads: ASTPath[]): void {
  const { p } = rewrite;
  const fields = new Map<string, string>();
  for (const holder of literals) {
    const name = String(stringValue((holder.node as unknown as AnyNode).value));
    const field = fields.get(name) ?? fieldFor(rewrite, owner, `${name}Ref`);
    fields.set(name, field);
    const ref = thisField(p, field, false);
    (holder.node as unknown as AnyNode).value =
      holder.node.type === "JSXAttribute" ? p.j.jsxExpressionContainer(ref as never) : ref;
    rewrite.changes += 1;
  }
  for (const read of reads) {
    const field = fields.get(refName(read) ?? "");
    if (field === undefined) {
      rewrite.leftovers.push(
        findingAt(
          p,
          read.node,
          "this.refs",
          "a read of a string ref this class does not create (or a computed one): use a ref by hand",
        ),
      );
      continue;
    }
    p.j(read).replaceWith(thisField(p, field, true) as never);
    rewrite.changes += 1;
  }
}

function migrateStringRefs(rewrite: RefRewrite): void {
  const byClass = new Map<ASTPath, { literals: ASTPath[]; reads: ASTPath[] }>();
  const group = (owner: ASTPath): { literals: ASTPath[]; reads: ASTPath[] } => {
    const entry = byClass.get(owner) ?? { literals: [], reads: [] };
    byClass.set(owner, entry);
    return entry;
  };
  for (const literal of stringRefs(rewrite.p)) {
    const owner = ownerClass(literal);
    if (owner === null)
      rewrite.leftovers.push(
        findingAt(rewrite.p, literal.node, "string ref", "a string ref outside a class method: use a ref by hand"),
      );
    else group(owner).literals.push(literal);
  }
  for (const read of refReads(rewrite.p)) {
    const owner = ownerClass(read);
    if (owner === null)
      rewrite.leftovers.push(
        findingAt(rewrite.p, read.node, "this.refs", "this.refs outside a class method: use a ref by hand"),
      );
    else group(owner).reads.push(read);
  }
  for (const [owner, { literals, reads }] of byClass) migrateClassStringRefs(rewrite, owner, literals, reads);
}

function migrate(source: string, file: string): CodemodOutcome {
  const p = parseFile(source, file);
  const rewrite: RefRewrite = { p, changes: 0, leftovers: [], fields: new Map() };
  migrateStringRefs(rewrite);
  migrateFindDomNode(rewrite);
  if (rewrite.changes > 0) removeUnusedImports(p, DOM);
  return { source: printFile(p, source, rewrite.changes), changes: rewrite.changes, leftovers: rewrite.leftovers };
}

/** The `react-find-dom-node` codemod. */
export const reactFindDomNode: Codemod = {
  id: "react-find-dom-node",
  description: "findDOMNode(this) and string refs → createRef() refs",
  matches: isScriptFile,
  scan: guardSyntaxScan((source, file) => {
    const p = parseFile(source, file);
    return [
      ...findDomNodeCalls(p).map((call) =>
        findingAt(p, call.node, "findDOMNode", "findDOMNode is deprecated (removed in React 19)"),
      ),
      ...stringRefs(p).map((ref) =>
        findingAt(p, ref.node, "string ref", "string refs are deprecated (removed in React 19)"),
      ),
    ];
  }),
  apply: guardSyntax(migrate),
};
