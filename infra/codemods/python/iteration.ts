/**
 * Where a Python expression's value is only iterated, once, where it stands: then an
 * iterator, a list and a view are interchangeable, and a codemod need not wrap the value in
 * `list(…)` or `iter(…)`.
 */
import type { Node } from "web-tree-sitter";

/**
 * Calls (functions or methods, by name) that only iterate over their iterable argument.
 * `next` is not one: it needs an iterator, which a list, a view or a range is not.
 */
const CONSUMERS: readonly string[] = [
  "list",
  "tuple",
  "sorted",
  "set",
  "frozenset",
  "sum",
  "any",
  "all",
  "min",
  "max",
  "enumerate",
  "dict",
  "iter",
  "join",
  "map",
  "filter",
  "zip",
  "extend",
  "update",
];

/** Whether a call's result is only iterated where it stands. */
export function onlyIterated(call: Node): boolean {
  const parent = call.parent;
  if (parent?.type === "for_statement" || parent?.type === "for_in_clause")
    return parent.childForFieldName("right")?.equals(call) ?? false;
  const consumer = parent?.type === "argument_list" ? parent.parent?.childForFieldName("function") : null;
  const name = consumer?.type === "attribute" ? consumer.childForFieldName("attribute") : consumer;
  return name !== null && name !== undefined && CONSUMERS.includes(name.text);
}
