/**
 * Class components as the React codemods see them, whatever the parser's node shapes: the
 * estree `MethodDefinition` (JavaScript, Babel in estree mode) and Babel's `ClassMethod` and
 * `ClassProperty` (TypeScript).
 */
import type { ASTNode, ASTPath } from "jscodeshift";
import type { ParsedFile } from "./js-file.ts";

type AnyNode = { type: string; [key: string]: unknown };

/** One method (or function-valued property) of a class. */
export interface ClassMember {
  /** The member node (`MethodDefinition`, `ClassMethod`, `ClassProperty`, …). */
  node: AnyNode;
  /** Its name (`render`, `componentWillMount`, `constructor`, …). */
  name: string;
  /** The statements of its body, or null for an expression-bodied arrow or a non-function. */
  statements: AnyNode[] | null;
  /** Its parameters (empty for a non-function). */
  params: AnyNode[];
}

/** Every class declaration and expression in the file. */
export function classesOf(p: ParsedFile): ASTPath[] {
  const { j } = p;
  return [...p.root.find(j.ClassDeclaration).paths(), ...p.root.find(j.ClassExpression).paths()];
}

function memberFunction(node: AnyNode): AnyNode | null {
  if (node.type === "ClassMethod" || node.type === "ClassPrivateMethod") return node;
  const value = node.value as AnyNode | null | undefined;
  if (value && /^(?:FunctionExpression|ArrowFunctionExpression)$/.test(value.type)) return value;
  return null;
}

/** The members of a class's body. */
export function classMembers(classPath: ASTPath): ClassMember[] {
  const body = (classPath.node as unknown as { body: { body: AnyNode[] } }).body.body;
  return body.map((node) => {
    const key = node.key as AnyNode | undefined;
    const fn = memberFunction(node);
    const block = fn?.body as AnyNode | undefined;
    return {
      node,
      name: key?.type === "Identifier" && !node.computed ? String(key.name) : "",
      statements: block?.type === "BlockStatement" ? (block.body as AnyNode[]) : null,
      params: fn ? (fn.params as AnyNode[]) : [],
    };
  });
}

/** The class's body array, to insert or remove members. */
export function classBody(classPath: ASTPath): AnyNode[] {
  return (classPath.node as unknown as { body: { body: AnyNode[] } }).body.body;
}

/** Renames a member in place (its key). */
export function renameMember(member: ClassMember, name: string): void {
  (member.node.key as AnyNode).name = name;
}

/** Whether `node` contains a node for which `test` holds (a plain recursive walk). */
export function containsNode(node: unknown, test: (candidate: AnyNode) => boolean): boolean {
  if (node === null || typeof node !== "object") return false;
  if (Array.isArray(node)) return node.some((child) => containsNode(child, test));
  const candidate = node as AnyNode;
  if (typeof candidate.type === "string" && test(candidate)) return true;
  return Object.entries(candidate).some(
    ([key, child]) => key !== "loc" && key !== "tokens" && key !== "comments" && containsNode(child, test),
  );
}

/** Whether a node is `this.<name>` (non-computed). */
export function isThisMember(node: unknown, name?: string): boolean {
  const member = node as AnyNode | null;
  if (member?.type !== "MemberExpression" || member.computed) return false;
  const object = member.object as AnyNode;
  const property = member.property as AnyNode;
  return object.type === "ThisExpression" && (name === undefined || property.name === name);
}

/** A parameter of a method to build: its name and, in TypeScript, its type. */
export interface MethodParam {
  name: string;
  type?: unknown;
}

/** A method node built with the parser's shape (estree for JavaScript, Babel for TypeScript). */
export function buildMethod(
  p: ParsedFile,
  sample: ASTNode,
  name: string,
  params: MethodParam[],
  body: unknown[],
): AnyNode {
  const { j } = p;
  const kind = name === "constructor" ? "constructor" : "method";
  const identifiers = params.map((param) => {
    const identifier = j.identifier(param.name);
    if (param.type !== undefined) identifier.typeAnnotation = j.tsTypeAnnotation(param.type as never);
    return identifier;
  });
  const block = j.blockStatement(body as never[]);
  if (sample.type === "ClassMethod")
    return j.classMethod(kind, j.identifier(name), identifiers, block) as unknown as AnyNode;
  return j.methodDefinition(
    kind,
    j.identifier(name),
    j.functionExpression(null, identifiers, block),
  ) as unknown as AnyNode;
}
