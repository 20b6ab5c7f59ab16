/**
 * Python scopes over the tree: which function, lambda, class or module a node belongs to,
 * and what each name is bound to in a scope. Used by the codemods that must know what a
 * name holds (`py-division`) or where a name is used (`py-dict-methods`).
 */
import type { Node } from "web-tree-sitter";
import { childrenOf, namedChildrenOf } from "./syntax.ts";

const SCOPE_TYPES = ["function_definition", "lambda", "class_definition", "module"];

/** One way a name gets its value in a scope. */
export type Binding =
  /** `name = value` (or the value of an augmented assignment node itself). */
  | { kind: "value"; value: Node }
  /** `for name in iterable` (position: index in a tuple target, or -1 for a plain name). */
  | { kind: "loop"; iterable: Node; position: number }
  /** Anything the codemods do not follow: parameter, import, with/except target, unpacking, global. */
  | { kind: "opaque" };

/** The nearest function, lambda, class or module containing `node` (not `node` itself). */
export function enclosingScope(node: Node): Node {
  let current = node.parent;
  while (current !== null && !SCOPE_TYPES.includes(current.type)) current = current.parent;
  return current ?? node;
}

/** The nodes that belong to `scope` itself: nested functions, lambdas and classes left out. */
export function ownNodes(scope: Node): Node[] {
  const out: Node[] = [];
  const stack = childrenOf(scope).reverse();
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (node.type === "ERROR") continue;
    out.push(node);
    if (SCOPE_TYPES.includes(node.type)) continue;
    stack.push(...childrenOf(node).reverse());
  }
  return out;
}

function add(map: Map<string, Binding[]>, name: string, binding: Binding): void {
  map.set(name, [...(map.get(name) ?? []), binding]);
}

/** The identifiers of an assignment or loop target, with their tuple position (-1 when plain). */
function targetNames(target: Node): Array<{ name: string; position: number }> {
  if (target.type === "identifier") return [{ name: target.text, position: -1 }];
  if (!["pattern_list", "tuple_pattern", "list_pattern", "tuple", "list"].includes(target.type)) return [];
  return namedChildrenOf(target).flatMap((item, position) =>
    item.type === "identifier"
      ? [{ name: item.text, position }]
      : targetNames(item).map((t) => ({ ...t, position: -2 })),
  );
}

/** The final value of a chained assignment `a = b = value`. */
function assignedValue(node: Node): Node | null {
  const right = node.childForFieldName("right");
  return right?.type === "assignment" ? assignedValue(right) : right;
}

function bindAssignment(map: Map<string, Binding[]>, node: Node): void {
  const left = node.childForFieldName("left");
  const value = node.type === "augmented_assignment" ? node : assignedValue(node);
  if (!left) return;
  for (const { name, position } of targetNames(left))
    add(map, name, position === -1 && value ? { kind: "value", value } : { kind: "opaque" });
}

function bindLoop(map: Map<string, Binding[]>, node: Node): void {
  const left = node.childForFieldName("left");
  const iterable = node.childForFieldName("right");
  if (!left || !iterable) return;
  for (const { name, position } of targetNames(left))
    add(map, name, position >= -1 ? { kind: "loop", iterable, position } : { kind: "opaque" });
}

const OPAQUE_PARENTS = ["as_pattern_target", "global_statement", "nonlocal_statement", "aliased_import", "dotted_name"];

/** Every name bound in `scope` (parameters included), with each of its bindings. */
export function bindings(scope: Node): Map<string, Binding[]> {
  const map = new Map<string, Binding[]>();
  const parameters = scope.childForFieldName("parameters");
  for (const p of parameters ? namedChildrenOf(parameters) : []) {
    const name = p.type === "identifier" ? p : (p.childForFieldName("name") ?? namedChildrenOf(p)[0]);
    if (name?.type === "identifier") add(map, name.text, { kind: "opaque" });
  }
  for (const node of ownNodes(scope)) {
    if (node.type === "assignment" || node.type === "augmented_assignment") bindAssignment(map, node);
    else if (node.type === "for_statement" || node.type === "for_in_clause") bindLoop(map, node);
    else if (SCOPE_TYPES.includes(node.type)) add(map, node.childForFieldName("name")?.text ?? "", { kind: "opaque" });
    else if (node.type === "identifier" && OPAQUE_PARENTS.includes(node.parent?.type ?? ""))
      add(map, node.text, { kind: "opaque" });
    else if (node.type === "except_clause")
      for (const c of namedChildrenOf(node).slice(1, -1)) add(map, c.text, { kind: "opaque" });
  }
  return map;
}
