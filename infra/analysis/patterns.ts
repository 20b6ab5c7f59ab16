/**
 * Syntax-tree predicates shared by the pattern rules: who is being called, its arguments, and
 * whether a string is written out literally (taint.ts follows values that are not).
 */
import type { Node } from "web-tree-sitter";

/** A string-ish expression: its literal text and whether run-time values flow into it. */
export interface StringShape {
  /** Concatenated text of the literal parts (quotes included; used for keyword checks). */
  literal: string;
  /** True when some part is not a literal (a substitution, variable or call). */
  dynamic: boolean;
}

function unwrap(node: Node): Node {
  let current = node;
  while (current.type === "parenthesized_expression" && current.namedChildCount === 1) {
    current = current.namedChild(0) ?? current;
  }
  return current;
}

function operatorOf(node: Node): string | undefined {
  return node.childForFieldName("operator")?.type;
}

/** Shape of a JS/TS expression used as a string; null when it is not string-like at all. */
export function jsStringShape(node: Node): StringShape | null {
  const expr = unwrap(node);
  if (expr.type === "string") return { literal: expr.text, dynamic: false };
  if (expr.type === "template_string") {
    return { literal: expr.text, dynamic: expr.namedChildren.some((c) => c?.type === "template_substitution") };
  }
  if (expr.type !== "binary_expression" || operatorOf(expr) !== "+") return null;
  const left = expr.childForFieldName("left");
  const right = expr.childForFieldName("right");
  if (left === null || right === null) return null;
  const parts = [jsStringShape(left), jsStringShape(right)];
  if (parts.every((p) => p === null)) return null;
  return {
    literal: parts.map((p) => p?.literal ?? "").join(""),
    dynamic: parts.some((p) => p === null || p.dynamic),
  };
}

/** The text of a Python string literal's content, or null for f-strings and non-strings. */
export function pyLiteral(node: Node): string | null {
  if (node.type === "concatenated_string") {
    const parts = node.namedChildren.map((c) => (c === null ? null : pyLiteral(c)));
    return parts.some((p) => p === null) ? null : parts.join("");
  }
  if (node.type !== "string") return null;
  let text = "";
  for (const child of node.namedChildren) {
    if (child?.type === "interpolation") return null;
    if (child?.type === "string_content") text += child.text;
  }
  return text;
}

/** The callee of a call: its last name (`db.query` → `query`) and the object before it, if any. */
export interface Callee {
  /** Last identifier of the callee. */
  name: string;
  /** Text of the object the function is looked up on (`db`, `os`), or null for a bare name. */
  object: string | null;
}

/** Callee of a JS `call_expression` / `new_expression`, or a Python `call`. */
export function calleeOf(call: Node): Callee | null {
  const fn = call.childForFieldName("function") ?? call.childForFieldName("constructor");
  if (fn === null) return null;
  if (fn.type === "identifier") return { name: fn.text, object: null };
  if (fn.type === "member_expression" || fn.type === "attribute") {
    const property = fn.childForFieldName(fn.type === "attribute" ? "attribute" : "property");
    const object = fn.childForFieldName("object");
    return property === null ? null : { name: property.text, object: object?.text ?? null };
  }
  return null;
}

/** Positional arguments of a call (Python keyword arguments excluded). */
export function positionalArgs(call: Node): Node[] {
  const args = call.childForFieldName("arguments");
  if (args === null) return [];
  return args.namedChildren.filter(
    (c): c is Node => c !== null && c.type !== "keyword_argument" && c.type !== "comment",
  );
}

/** The value of a Python keyword argument, e.g. `shell` in `run(cmd, shell=True)`. */
export function keywordArg(call: Node, name: string): Node | null {
  const args = call.childForFieldName("arguments");
  for (const arg of args?.namedChildren ?? []) {
    if (arg?.type === "keyword_argument" && arg.childForFieldName("name")?.text === name) {
      return arg.childForFieldName("value");
    }
  }
  return null;
}

/** `apiKey`, `API_KEY`, `api-key` → `api_key`. */
export function snakeName(name: string): string {
  return name
    .replace(/^["'`]|["'`]$/g, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .toLowerCase();
}
