/**
 * `react-root-api`: the legacy root API of `react-dom` → `react-dom/client`.
 *
 * - `ReactDOM.render(el, c)` → `root.render(el)` when `c` is a `const` declared in a block of
 *   the file; `const root = createRoot(c)` is inserted right after that declaration, so every
 *   render into `c` reuses one root (what `ReactDOM.render` did) and a later
 *   `ReactDOM.unmountComponentAtNode(c)` becomes `root.unmount()`. Any other container →
 *   `createRoot(c).render(el)` (a leftover too when the call is not at the top level, since a
 *   second render would then create a second root).
 * - `ReactDOM.hydrate(el, c)` → `hydrateRoot(c, el)`, kept as `const root = hydrateRoot(c, el)`
 *   when `c` is a `const` declared in the same block and the file unmounts it.
 * - Left as leftovers: a render callback (a third argument), a used return value, and an unmount
 *   whose container has no root kept in the file.
 *
 * Works with `import ReactDOM from "react-dom"`, `import { render } from "react-dom"` and their
 * `require` forms; `createRoot`/`hydrateRoot` are imported in the file's module style.
 */
import type { ASTPath, CallExpression } from "jscodeshift";
import type { Codemod, CodemodOutcome, SourceFinding } from "../codemod.ts";
import type { ParsedFile } from "./js-file.ts";
import { findingAt, guardSyntax, guardSyntaxScan, isScriptFile, parseFile, printFile } from "./js-file.ts";
import { ensureNamedImport, namedImportLocal, removeUnusedImports, wholeModuleNames } from "./module-bindings.ts";

const DOM = ["react-dom"];
const KINDS = ["render", "hydrate", "unmountComponentAtNode"] as const;
type LegacyKind = (typeof KINDS)[number];

/** One call of the legacy root API. */
interface LegacyCall {
  path: ASTPath<CallExpression>;
  kind: LegacyKind;
}

/** A `const` declaration of a container, where a root can be kept. */
interface ContainerDeclaration {
  declarator: object;
  statement: ASTPath;
  name: string;
}

/** The state of one apply. */
interface RootRewrite {
  p: ParsedFile;
  roots: Map<object, string>;
  /** Declarators of the containers the file unmounts. */
  unmounted: Set<object>;
  names: Set<string>;
  imports: Set<"createRoot" | "hydrateRoot">;
  changes: number;
  leftovers: SourceFinding[];
}

function isLegacyKind(name: string): name is LegacyKind {
  return (KINDS as readonly string[]).includes(name);
}

/** Every call of `render`, `hydrate` and `unmountComponentAtNode` of `react-dom`. */
function legacyCalls(p: ParsedFile): LegacyCall[] {
  const whole = new Set(wholeModuleNames(p, DOM));
  const named = new Map<string, LegacyKind>();
  for (const kind of KINDS) {
    const local = namedImportLocal(p, DOM, kind);
    if (local !== null) named.set(local, kind);
  }
  const calls: LegacyCall[] = [];
  p.root.find(p.j.CallExpression).forEach((path) => {
    const callee = path.node.callee;
    if (callee.type === "Identifier" && named.has(callee.name)) {
      calls.push({ path, kind: named.get(callee.name) as LegacyKind });
    } else if (
      callee.type === "MemberExpression" &&
      !callee.computed &&
      callee.object.type === "Identifier" &&
      whole.has(callee.object.name) &&
      callee.property.type === "Identifier" &&
      isLegacyKind(callee.property.name)
    ) {
      calls.push({ path, kind: callee.property.name });
    }
  });
  return calls;
}

/** The `const` declaration, in a block or the program, of an identifier container. */
function containerDeclaration(call: ASTPath<CallExpression>, container: unknown): ContainerDeclaration | null {
  const node = container as { type: string; name?: string };
  if (node.type !== "Identifier" || node.name === undefined) return null;
  const scope = call.scope?.lookup(node.name);
  const binding = scope?.getBindings()[node.name]?.[0] as ASTPath | undefined;
  const declarator = binding?.parent as ASTPath | undefined;
  const statement = declarator?.parent as ASTPath | undefined;
  if (declarator?.node.type !== "VariableDeclarator" || statement === undefined) return null;
  if ((statement.node as { kind?: string }).kind !== "const") return null;
  if (!["Program", "BlockStatement"].includes(String(statement.parent?.node.type))) return null;
  return { declarator: declarator.node, statement, name: node.name };
}

/** A name for a new root, unused in the file: `root`, else `<container>Root`, numbered if needed. */
function rootName(rewrite: RootRewrite, container: string): string {
  const taken = (name: string): boolean =>
    rewrite.names.has(name) || rewrite.p.root.find(rewrite.p.j.Identifier, { name }).size() > 0;
  const base = taken("root") ? `${container}Root` : "root";
  let name = base;
  for (let index = 2; taken(name); index += 1) name = `${base}${index}`;
  rewrite.names.add(name);
  return name;
}

function leave(rewrite: RootRewrite, call: LegacyCall, message: string): void {
  rewrite.leftovers.push(findingAt(rewrite.p, call.path.node, `ReactDOM.${call.kind}`, message));
}

/** The root kept for a declared container, created after its declaration on first use. */
function keptRoot(rewrite: RootRewrite, declaration: ContainerDeclaration): string {
  const existing = rewrite.roots.get(declaration.declarator);
  if (existing !== undefined) return existing;
  const { j } = rewrite.p;
  const name = rootName(rewrite, declaration.name);
  const create = j.callExpression(j.identifier("createRoot"), [j.identifier(declaration.name)]);
  j(declaration.statement).insertAfter(
    j.variableDeclaration("const", [j.variableDeclarator(j.identifier(name), create)]),
  );
  rewrite.roots.set(declaration.declarator, name);
  rewrite.imports.add("createRoot");
  return name;
}

function usable(rewrite: RootRewrite, call: LegacyCall, arity: number): boolean {
  if (call.path.node.arguments.length !== arity) {
    leave(rewrite, call, "a callback argument has no createRoot equivalent: move it into an effect");
    return false;
  }
  if (call.path.parent?.node.type !== "ExpressionStatement") {
    leave(rewrite, call, "its return value is used; the new root API returns nothing from render/unmount");
    return false;
  }
  return true;
}

function migrateRender(rewrite: RootRewrite, call: LegacyCall): void {
  if (!usable(rewrite, call, 2)) return;
  const { j } = rewrite.p;
  const [element, container] = call.path.node.arguments;
  const declaration = containerDeclaration(call.path, container);
  let target;
  if (declaration !== null) {
    target = j.identifier(keptRoot(rewrite, declaration));
  } else {
    target = j.callExpression(j.identifier("createRoot"), [container]);
    rewrite.imports.add("createRoot");
    if (call.path.parent?.parent?.node.type !== "Program") {
      leave(rewrite, call, "a new root on each call: keep one root if this renders into the container again");
    }
  }
  j(call.path).replaceWith(j.callExpression(j.memberExpression(target, j.identifier("render")), [element]));
  rewrite.changes += 1;
}

function migrateHydrate(rewrite: RootRewrite, call: LegacyCall): void {
  if (!usable(rewrite, call, 2)) return;
  const { j } = rewrite.p;
  const [element, container] = call.path.node.arguments;
  const hydrate = j.callExpression(j.identifier("hydrateRoot"), [container, element]);
  const declaration = containerDeclaration(call.path, container);
  const statement = call.path.parent as ASTPath;
  rewrite.imports.add("hydrateRoot");
  rewrite.changes += 1;
  if (
    declaration === null ||
    !rewrite.unmounted.has(declaration.declarator) ||
    rewrite.roots.has(declaration.declarator) ||
    statement.parent?.node !== declaration.statement.parent?.node
  ) {
    j(call.path).replaceWith(hydrate);
    return;
  }
  const name = rootName(rewrite, declaration.name);
  j(statement).replaceWith(j.variableDeclaration("const", [j.variableDeclarator(j.identifier(name), hydrate)]));
  rewrite.roots.set(declaration.declarator, name);
}

function migrateUnmount(rewrite: RootRewrite, call: LegacyCall): void {
  const { j } = rewrite.p;
  const declaration = containerDeclaration(call.path, call.path.node.arguments[0]);
  const root = declaration === null ? undefined : rewrite.roots.get(declaration.declarator);
  if (root === undefined) {
    leave(
      rewrite,
      call,
      "no root is kept for this container in this file: call unmount() on the root that rendered it",
    );
    return;
  }
  if (!usable(rewrite, call, 1)) return;
  j(call.path).replaceWith(j.callExpression(j.memberExpression(j.identifier(root), j.identifier("unmount")), []));
  rewrite.changes += 1;
}

function migrate(source: string, file: string): CodemodOutcome {
  const p = parseFile(source, file);
  const calls = legacyCalls(p);
  const unmounted = new Set<object>();
  for (const call of calls.filter((c) => c.kind === "unmountComponentAtNode")) {
    const declaration = containerDeclaration(call.path, call.path.node.arguments[0]);
    if (declaration !== null) unmounted.add(declaration.declarator);
  }
  const rewrite: RootRewrite = {
    p,
    roots: new Map(),
    unmounted,
    names: new Set(),
    imports: new Set(),
    changes: 0,
    leftovers: [],
  };
  for (const call of calls) {
    if (call.kind === "render") migrateRender(rewrite, call);
    if (call.kind === "hydrate") migrateHydrate(rewrite, call);
  }
  for (const call of calls) if (call.kind === "unmountComponentAtNode") migrateUnmount(rewrite, call);
  for (const name of rewrite.imports) ensureNamedImport(p, "react-dom/client", name, DOM);
  if (rewrite.changes > 0) removeUnusedImports(p, DOM);
  return { source: printFile(p, source, rewrite.changes), changes: rewrite.changes, leftovers: rewrite.leftovers };
}

/** The `react-root-api` codemod. */
export const reactRootApi: Codemod = {
  id: "react-root-api",
  description: "ReactDOM.render/hydrate/unmountComponentAtNode → createRoot/hydrateRoot from react-dom/client",
  matches: isScriptFile,
  scan: guardSyntaxScan((source, file) => {
    const p = parseFile(source, file);
    return legacyCalls(p).map((call) =>
      findingAt(p, call.path.node, `ReactDOM.${call.kind}`, "the legacy root API is deprecated in React 18"),
    );
  }),
  apply: guardSyntax(migrate),
};
