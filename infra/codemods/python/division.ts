/**
 * `py-division`: `/` between integers → `//` where the code relied on Python 2's floor
 * division; nothing else is guessed.
 *
 * A `/` (or `/=`) is rewritten to `//` (`//=`) when
 * 1. both operands are ints by the inference of number-kinds.ts (int literals, `len()`,
 *    `int()`, names only ever bound to ints in their scope, `range` loop variables, …), or
 * 2. its result is demanded as an int, which Python 2 enforced at run time, so the operands
 *    were ints: the result (through `+ - * % //`, unary minus and parentheses) is an argument
 *    of `range`/`xrange`, an index or slice bound of a list, tuple or string the tree shows
 *    to be one (not of anything else: a mapping or a data frame may take floats), the count
 *    in `"-" * n` / `[x] * n`, or a name bound once to it that is used so.
 * A `/` with a float operand (a float literal, `float()`, a float name) is left as it is:
 * Python 3 divides it the same way. Any other `/` is a leftover with its line, saying which
 * operand is unknown. A file with `from __future__ import division` is not changed at all.
 */
import type { Node } from "web-tree-sitter";
import { childrenOf, hasFutureImport, isVariableReference, lineOf, namedChildrenOf, nodesOfType } from "./syntax.ts";
import { planOf, replaceNode, treeCodemod } from "./rewrite.ts";
import type { LineNote, RewritePlan, SourceEdit } from "./rewrite.ts";
import { bindings, enclosingScope, ownNodes } from "./scopes.ts";
import { callsBuiltin, inferKinds, kindOf } from "./number-kinds.ts";
import type { NumberKind, ScopeKinds } from "./number-kinds.ts";

const API = "integer division";
const PASS_THROUGH = ["+", "-", "*", "%", "//"];
const SEQUENCE_LITERALS = ["list", "list_comprehension", "tuple", "string", "concatenated_string"];
const SEQUENCE_CALLS = ["sorted", "list", "tuple", "range", "str"];
const MAX_DEPTH = 3;

/** Whether `node` is a list, tuple or string (a literal, or a name bound only to those). */
function isSequence(node: Node, env: ScopeKinds, depth: number): boolean {
  if (SEQUENCE_LITERALS.includes(node.type)) return true;
  if (SEQUENCE_CALLS.some((name) => callsBuiltin(node, name, env))) return true;
  if (node.type !== "identifier" || depth > MAX_DEPTH) return false;
  const bound = bindings(env.scope).get(node.text);
  return bound !== undefined && bound.every((b) => b.kind === "value" && isSequence(b.value, env, depth + 1));
}

/** Whether an int result of `parent`'s operand is forced by `parent` being an int: arithmetic, parentheses. */
function passesIntThrough(parent: Node): boolean {
  if (parent.type === "parenthesized_expression") return true;
  const operator = parent.childForFieldName("operator")?.text;
  if (parent.type === "unary_operator") return operator === "-";
  return parent.type === "binary_operator" && operator !== undefined && PASS_THROUGH.includes(operator);
}

/** Whether the value of `node` must be an int: it, or an arithmetic expression around it, is used as one. */
function demandedInt(node: Node, env: ScopeKinds, depth: number): boolean {
  for (let current: Node | null = node; current !== null; current = current.parent) {
    if (intContext(current, env, depth)) return true;
    if (!current.parent || !passesIntThrough(current.parent)) return false;
  }
  return false;
}

/** Whether the context of `node` requires an int: a range argument, slice bound, index, repeat count. */
function intContext(node: Node, env: ScopeKinds, depth: number): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (parent.type === "slice") {
    const sliced = parent.parent?.type === "subscript" ? parent.parent.childForFieldName("value") : null;
    return sliced !== null && sliced !== undefined && isSequence(sliced, env, 0);
  }
  if (parent.type === "argument_list" && parent.parent)
    return callsBuiltin(parent.parent, "range", env) || callsBuiltin(parent.parent, "xrange", env);
  if (parent.type === "subscript" && parent.childForFieldName("subscript")?.equals(node)) {
    const value = parent.childForFieldName("value");
    return value !== null && isSequence(value, env, 0);
  }
  if (parent.type === "binary_operator" && parent.childForFieldName("operator")?.text === "*") {
    const other = namedChildrenOf(parent).find((c) => !c.equals(node));
    return other !== undefined && ["list", "string"].includes(other.type);
  }
  if (parent.type === "assignment" && parent.childForFieldName("right")?.equals(node) && depth < MAX_DEPTH)
    return nameUsedAsInt(parent.childForFieldName("left"), env, depth + 1);
  return false;
}

/** Whether a name bound once (by `name = …`) is used somewhere in its scope where an int is required. */
function nameUsedAsInt(name: Node | null, env: ScopeKinds, depth: number): boolean {
  if (name?.type !== "identifier" || bindings(env.scope).get(name.text)?.length !== 1) return false;
  return ownNodes(env.scope).some(
    (n) =>
      n.type === "identifier" &&
      n.text === name.text &&
      !n.equals(name) &&
      isVariableReference(n) &&
      demandedInt(n, env, depth),
  );
}

function describe(side: string, node: Node | null, kind: NumberKind): string {
  return kind === "int" ? "" : `${side} operand ${node?.text ?? "?"} is not known to be an int`;
}

/** The edit or leftover for one `/` or `/=`. */
function division(node: Node, env: ScopeKinds): SourceEdit | LineNote | undefined {
  const operator = node.childForFieldName("operator");
  if (!operator || (operator.text !== "/" && operator.text !== "/=")) return;
  const left = node.childForFieldName("left");
  const right = node.childForFieldName("right");
  const kinds = [left ? kindOf(left, env) : "unknown", right ? kindOf(right, env) : "unknown"];
  if (kinds.includes("float")) return;
  const floor = operator.text === "/" ? "//" : "//=";
  if (kinds.every((k) => k === "int"))
    return replaceNode(operator, floor, { api: API, message: `${operator.text} between ints → ${floor}` });
  if (operator.text === "/" && demandedInt(node, env, 0))
    return replaceNode(operator, floor, {
      api: API,
      message: `${operator.text} whose result is used as an int → ${floor}`,
    });
  const why = [describe("left", left, kinds[0] as NumberKind), describe("right", right, kinds[1] as NumberKind)];
  const message = `${node.text.split("\n")[0]}: ${why.filter(Boolean).join(", ")}; Python 3's / is true division, use // where floor division was meant`;
  return { line: lineOf(node), api: API, message };
}

/** Plans the division rewrites and leftovers of one file. */
export function planDivision(root: Node): RewritePlan {
  if (hasFutureImport(root, "division")) return { edits: [], leftovers: [] };
  const divisions = nodesOfType(root, "binary_operator", "augmented_assignment").filter((n) =>
    childrenOf(n).some((c) => c.type === "/" || c.type === "/="),
  );
  if (divisions.length === 0) return { edits: [], leftovers: [] };
  const kindsOf = inferKinds(root);
  return planOf(divisions.map((n) => division(n, kindsOf(enclosingScope(n)))));
}

/** The `py-division` codemod. */
export const divisionCodemod = treeCodemod({
  id: "py-division",
  description: "/ between ints → // where the tree shows Python 2's floor division was relied on; other / listed",
  plan: planDivision,
});
