/**
 * How a file binds modules, in both module styles: `import X from`, `import * as X from`,
 * `import { a as b } from` (ES modules) and `const X = require(…)`, `const { a: b } = require(…)`
 * (CommonJS). The React codemods use it to find `ReactDOM`/`React`, to add an import in the
 * file's own style and to drop an import the rewrite left unused.
 */
import type { ASTPath, Collection } from "jscodeshift";
import type { ParsedFile } from "./js-file.ts";
import { quoted } from "./js-file.ts";

type AnyNode = { type: string; [key: string]: unknown };

/** The string value of a string literal node, else null. */
export function stringValue(node: unknown): string | null {
  const literal = node as AnyNode | null;
  if (literal?.type !== "StringLiteral" && literal?.type !== "Literal") return null;
  return typeof literal.value === "string" ? literal.value : null;
}

/** Whether a node is `require("<module>")`, for one of `modules` (any module when omitted). */
export function isRequireOf(node: unknown, modules?: readonly string[]): boolean {
  const call = node as AnyNode | null;
  if (call?.type !== "CallExpression") return false;
  const callee = call.callee as AnyNode;
  const source = stringValue((call.arguments as unknown[])[0]);
  if (callee.type !== "Identifier" || callee.name !== "require" || source === null) return false;
  return modules === undefined || modules.includes(source);
}

function importsOf(p: ParsedFile, modules: readonly string[]): Collection {
  const { j } = p;
  return p.root.find(j.ImportDeclaration).filter((path) => modules.includes(String(path.node.source.value)));
}

function requiresOf(p: ParsedFile, modules: readonly string[]): Collection {
  const { j } = p;
  return p.root.find(j.VariableDeclarator).filter((path) => isRequireOf(path.node.init, modules));
}

/** The local names bound to a whole module (default, namespace, or a plain `require`). */
export function wholeModuleNames(p: ParsedFile, modules: readonly string[]): string[] {
  const names: string[] = [];
  importsOf(p, modules).forEach((path) => {
    for (const specifier of path.node.specifiers ?? []) {
      if (specifier.type !== "ImportSpecifier" && specifier.local) names.push(String(specifier.local.name));
    }
  });
  requiresOf(p, modules).forEach((path) => {
    if (path.node.id.type === "Identifier") names.push(path.node.id.name);
  });
  return names;
}

/** The local name of export `name` imported from one of the modules, or null. */
export function namedImportLocal(p: ParsedFile, modules: readonly string[], name: string): string | null {
  let local: string | null = null;
  importsOf(p, modules).forEach((path) => {
    for (const specifier of path.node.specifiers ?? []) {
      if (specifier.type === "ImportSpecifier" && specifier.imported.name === name) {
        local = String(specifier.local?.name ?? name);
      }
    }
  });
  requiresOf(p, modules).forEach((path) => {
    if (path.node.id.type !== "ObjectPattern") return;
    for (const property of path.node.id.properties as AnyNode[]) {
      const key = property.key as AnyNode | undefined;
      const value = property.value as AnyNode | undefined;
      if (key?.name === name && value?.type === "Identifier") local = String(value.name);
    }
  });
  return local;
}

/** The file's module style: ES modules when it has an import declaration, else CommonJS. */
export function moduleStyle(p: ParsedFile): "esm" | "cjs" {
  if (p.root.find(p.j.ImportDeclaration).size() > 0) return "esm";
  if (p.root.find(p.j.CallExpression, { callee: { name: "require" } }).size() > 0) return "cjs";
  return /\.(?:mjs|mts|ts|tsx)$/.test(p.file) ? "esm" : "cjs";
}

/** The top-level statement holding the import or require of the first anchor module found. */
function anchorStatement(p: ParsedFile, anchors: readonly string[]): ASTPath | null {
  for (const anchor of anchors) {
    const imported = importsOf(p, [anchor]);
    if (imported.size() > 0) return imported.paths()[0];
    const required = requiresOf(p, [anchor]).filter((path) => path.parent?.parent?.node.type === "Program");
    if (required.size() > 0) return required.paths()[0].parent as ASTPath;
  }
  const body = p.root.find(p.j.Program).paths()[0].get("body");
  let last: ASTPath | null = null;
  for (let index = 0; index < body.value.length; index += 1) {
    const statement = body.get(index) as ASTPath;
    const node = statement.node as AnyNode;
    const declarations = (node.declarations ?? []) as AnyNode[];
    if (node.type === "ImportDeclaration" || declarations.some((d) => isRequireOf(d.init))) last = statement;
  }
  return last;
}

function addSpecifier(p: ParsedFile, module: string, name: string): boolean {
  const { j } = p;
  const imports = importsOf(p, [module]).filter((path) => path.node.importKind !== "type");
  if (imports.size() > 0) {
    imports.paths()[0].node.specifiers?.push(j.importSpecifier(j.identifier(name)));
    return true;
  }
  const patterns = requiresOf(p, [module]).filter((path) => path.node.id.type === "ObjectPattern");
  if (patterns.size() === 0) return false;
  const property = j.objectProperty(j.identifier(name), j.identifier(name));
  property.shorthand = true;
  (patterns.paths()[0].node.id as { properties: unknown[] }).properties.push(property);
  return true;
}

/**
 * Makes export `name` of `module` available and returns its local name: an existing binding,
 * a specifier added to an existing import (or destructured require), or a new statement in the
 * file's style placed after the import of the first of `anchors` found (else after the last
 * import or require, else at the top).
 */
export function ensureNamedImport(
  p: ParsedFile,
  module: string,
  name: string,
  anchors: readonly string[] = [],
): string {
  const existing = namedImportLocal(p, [module], name);
  if (existing !== null) return existing;
  if (addSpecifier(p, module, name)) return name;
  const { j } = p;
  const text =
    moduleStyle(p) === "esm"
      ? `import { ${name} } from ${quoted(p, module)};`
      : `const { ${name} } = require(${quoted(p, module)});`;
  const statement = j.template.statement([text]);
  const anchor = anchorStatement(p, anchors);
  if (anchor !== null) j(anchor).insertAfter(statement);
  else p.root.find(j.Program).paths()[0].node.body.unshift(statement);
  return name;
}

/** How often `name` is referenced as a value (not declared, not a property name). */
export function referenceCount(p: ParsedFile, name: string): number {
  const { j } = p;
  return p.root
    .find(j.Identifier, { name })
    .filter((path) => {
      const parent = path.parent?.node as AnyNode;
      if (parent.type === "MemberExpression" || parent.type === "OptionalMemberExpression") {
        return parent.object === path.node || Boolean(parent.computed);
      }
      if (parent.type === "ObjectProperty" || parent.type === "Property") {
        if (path.parent.parent?.node.type === "ObjectPattern") return false;
        return parent.value === path.node || Boolean(parent.computed);
      }
      if (parent.type === "VariableDeclarator") return parent.init === path.node;
      return !/^Import(?:Default|Namespace)?Specifier$/.test(parent.type) && parent.type !== "ClassMethod";
    })
    .size();
}

/**
 * Gives a destructuring `require` new properties. recast would print a changed pattern over
 * several lines, so a pattern of plain names is parsed from text, one line as it is usually
 * written.
 */
export function setPatternProperties(p: ParsedFile, declarator: ASTPath, properties: unknown[]): void {
  const node = declarator.node as AnyNode;
  (node.id as AnyNode).properties = properties;
  const names = (properties as AnyNode[]).map((property) => {
    const key = (property.key as AnyNode | undefined)?.name;
    const value = (property.value as AnyNode | undefined)?.name;
    return typeof key === "string" && typeof value === "string" ? (key === value ? key : `${key}: ${value}`) : null;
  });
  if (names.includes(null)) return;
  const parsed = p.j.template.statement([`const { ${names.join(", ")} } = x;`]) as { declarations: AnyNode[] };
  node.id = parsed.declarations[0].id;
}

function removeSpecifier(p: ParsedFile, path: ASTPath, local: string): void {
  const node = path.node as AnyNode;
  if (node.type === "ImportDeclaration") {
    const specifiers = (node.specifiers as AnyNode[]).filter((s) => (s.local as AnyNode).name !== local);
    if (specifiers.length === 0) p.j(path).remove();
    else node.specifiers = specifiers;
    return;
  }
  const id = node.id as AnyNode;
  const kept =
    id.type === "ObjectPattern" ? (id.properties as AnyNode[]).filter((s) => (s.value as AnyNode).name !== local) : [];
  if (kept.length > 0) {
    setPatternProperties(p, path, kept);
    return;
  }
  const declaration = path.parent as ASTPath;
  if (
    (declaration.node as AnyNode).declarations instanceof Array &&
    ((declaration.node as AnyNode).declarations as unknown[]).length === 1
  )
    p.j(declaration).remove();
  else p.j(path).remove();
}

/** The local names an import declaration or a require declarator binds. */
function boundNames(node: AnyNode): string[] {
  if (node.type === "ImportDeclaration")
    return (node.specifiers as AnyNode[]).map((s) => String((s.local as AnyNode).name));
  const id = node.id as AnyNode;
  if (id.type === "Identifier") return [String(id.name)];
  if (id.type !== "ObjectPattern") return [];
  return (id.properties as AnyNode[]).map((s) => String((s.value as AnyNode | undefined)?.name));
}

/** Drops the imports and requires of `modules` whose bindings are no longer referenced; returns how many. */
export function removeUnusedImports(p: ParsedFile, modules: readonly string[]): number {
  let removed = 0;
  const holders = [...importsOf(p, modules).paths(), ...requiresOf(p, modules).paths()];
  for (const path of holders) {
    for (const local of boundNames(path.node as AnyNode)) {
      if (referenceCount(p, local) > 0) continue;
      removeSpecifier(p, path, local);
      removed += 1;
    }
  }
  return removed;
}
