/**
 * Refs on class components for the `react-find-dom-node` codemod: which class a `this` belongs
 * to, the element a component renders at its root, and adding a `createRef()` field.
 */
import type { ASTPath } from "jscodeshift";
import type { ClassMember } from "./class-members.ts";
import { classBody, classMembers, containsNode, isThisMember } from "./class-members.ts";
import type { ParsedFile } from "./js-file.ts";
import { ensureNamedImport, stringValue, wholeModuleNames } from "./module-bindings.ts";

type AnyNode = { type: string; [key: string]: unknown };

/** The class whose instance `this` is at `path`, or null (outside a class, or in a plain function). */
export function ownerClass(path: ASTPath): ASTPath | null {
  for (let current = path.parent as ASTPath | null; current; current = current.parent as ASTPath | null) {
    const type = current.node.type;
    if (type === "ClassDeclaration" || type === "ClassExpression") return current;
    const parentType = (current.parent as ASTPath | null)?.node.type;
    if (type === "FunctionDeclaration") return null;
    if (type === "FunctionExpression" && parentType !== "MethodDefinition" && parentType !== "ClassProperty")
      return null;
  }
  return null;
}

/**
 * Whether a call creates an element: `X.createElement(…)`, or an alias `const h = X.createElement`
 * visible from `path`.
 */
function isCreateElement(path: ASTPath, call: AnyNode): boolean {
  const callee = call.callee as AnyNode;
  if (callee.type === "MemberExpression") return (callee.property as AnyNode).name === "createElement";
  if (callee.type !== "Identifier") return false;
  const name = String(callee.name);
  const binding = path.scope?.lookup(name)?.getBindings()[name]?.[0] as ASTPath | undefined;
  const init = (binding?.parent?.node as AnyNode | undefined)?.init as AnyNode | undefined;
  return init?.type === "MemberExpression" && (init.property as AnyNode).name === "createElement";
}

/** A host element a component renders at its root, with room for a `ref`. */
export interface RootElement {
  /** Adds `ref: <ref>` (or `ref={<ref>}`) to the element. */
  attach(p: ParsedFile, ref: unknown): void;
}

function hostCreateElement(call: AnyNode): RootElement | null {
  const [type, props, ...children] = call.arguments as AnyNode[];
  if (!/^[a-z]/.test(stringValue(type) ?? "")) return null;
  if (props?.type === "ObjectExpression") {
    if (containsNode(props.properties, (n) => (n.key as AnyNode | undefined)?.name === "ref")) return null;
    return {
      attach: (p, ref) =>
        (props.properties as unknown[]).push(p.j.property("init", p.j.identifier("ref"), ref as never)),
    };
  }
  if (
    props !== undefined &&
    stringValue(props) === null &&
    props.type !== "NullLiteral" &&
    !(props.type === "Literal" && props.value === null)
  )
    return null;
  return {
    attach: (p, ref) => {
      const object = p.j.objectExpression([p.j.property("init", p.j.identifier("ref"), ref as never)]);
      call.arguments = [type, object, ...children];
    },
  };
}

function hostJsx(element: AnyNode): RootElement | null {
  const opening = element.openingElement as AnyNode;
  const name = opening.name as AnyNode;
  if (name.type !== "JSXIdentifier" || !/^[a-z]/.test(String(name.name))) return null;
  const attributes = opening.attributes as AnyNode[];
  if (attributes.some((a) => a.type !== "JSXAttribute" || (a.name as AnyNode).name === "ref")) return null;
  return {
    attach: (p, ref) =>
      attributes.push(p.j.jsxAttribute(p.j.jsxIdentifier("ref"), p.j.jsxExpressionContainer(ref as never)) as never),
  };
}

/** The host element `render()` returns when it is a single `return <host element>`, else null. */
export function renderedRoot(classPath: ASTPath): RootElement | null {
  const render = classMembers(classPath).find((m) => m.name === "render");
  const statement = render?.statements?.length === 1 ? render.statements[0] : undefined;
  let value = statement?.type === "ReturnStatement" ? (statement.argument as AnyNode | null) : null;
  while (value?.type === "ParenthesizedExpression") value = value.expression as AnyNode;
  if (value?.type === "JSXElement") return hostJsx(value);
  if (value?.type !== "CallExpression") return null;
  return isCreateElement(classPath, value) ? hostCreateElement(value) : null;
}

/** A unique instance field name for a ref: `<base>`, else `<base>2`, … */
export function refFieldName(classPath: ASTPath, base: string, taken: Set<string>): string {
  const used = (name: string): boolean =>
    taken.has(name) ||
    classMembers(classPath).some((m) => m.name === name) ||
    containsNode(classPath.node, (n) => isThisMember(n, name));
  let name = base;
  for (let index = 2; used(name); index += 1) name = `${base}${index}`;
  taken.add(name);
  return name;
}

/** `React.createRef()` (with the file's React binding) or `createRef()` (imported when needed). */
function createRefCall(p: ParsedFile): unknown {
  const { j } = p;
  const react = wholeModuleNames(p, ["react"])[0];
  if (react !== undefined)
    return j.callExpression(j.memberExpression(j.identifier(react), j.identifier("createRef")), []);
  return j.callExpression(j.identifier(ensureNamedImport(p, "react", "createRef", ["react"])), []);
}

function superCallIndex(constructor: ClassMember): number {
  return (constructor.statements ?? []).findIndex((s) => containsNode(s, (n) => n.type === "Super"));
}

/** Declares `this.<field> = createRef()`: after `super(…)` in the constructor, else as a class field. */
export function addRefField(p: ParsedFile, classPath: ASTPath, field: string): void {
  const { j } = p;
  const create = createRefCall(p);
  const constructor = classMembers(classPath).find((m) => m.name === "constructor");
  if (constructor?.statements) {
    const assignment = j.assignmentExpression(
      "=",
      j.memberExpression(j.thisExpression(), j.identifier(field)),
      create as never,
    );
    constructor.statements.splice(superCallIndex(constructor) + 1, 0, j.expressionStatement(assignment) as never);
    return;
  }
  classBody(classPath).unshift(j.classProperty(j.identifier(field), create as never) as never);
}
