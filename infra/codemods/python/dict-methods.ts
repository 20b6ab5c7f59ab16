/**
 * `py-dict-methods`: Python 2 dictionary methods.
 *
 * - `d.iteritems()` / `itervalues()` / `iterkeys()` (and `view…`) → `d.items()` / `values()` / `keys()`
 *   where the result is only iterated (a `for`, a comprehension, `sorted(…)`, …), otherwise
 *   `iter(d.items())`: a view is not an iterator (`__iter__` must return one, `next()` needs one).
 * - `d.has_key(k)` → `k in d` (`not d.has_key(k)` → `k not in d`), parenthesized where the
 *   surrounding expression needs it; a `has_key` call without exactly one plain argument is a
 *   leftover.
 * - `d.keys()` / `values()` / `items()` → `list(…)` where the tree shows a list was needed:
 *   the result is indexed, concatenated with `+`, compared with `==`/`!=`, has a list method
 *   called on it (directly or through a name assigned once in the same scope), or is the
 *   iterable of a `for` loop whose body mutates the same dictionary (`del d[k]`, `d[k] = …`,
 *   `d.pop(…)`, …).
 */
import type { Node } from "web-tree-sitter";
import { childrenOf, descendants, lineOf, methodCall, nodesOfType } from "./syntax.ts";
import { planOf, replaceNode, treeCodemod } from "./rewrite.ts";
import type { LineNote, RewritePlan, SourceEdit } from "./rewrite.ts";
import { enclosingScope } from "./scopes.ts";
import { onlyIterated } from "./iteration.ts";

const ITER_METHODS: Readonly<Record<string, string>> = {
  iteritems: "items",
  itervalues: "values",
  iterkeys: "keys",
  viewitems: "items",
  viewvalues: "values",
  viewkeys: "keys",
};
const VIEW_METHODS = ["keys", "values", "items"];
const LIST_METHODS = ["sort", "append", "extend", "insert", "remove", "pop", "reverse", "index", "count"];
const MUTATORS = ["pop", "popitem", "clear", "update", "setdefault", "__delitem__", "__setitem__"];
/** Parents under which `k in d` needs no parentheses. */
const BARE_IN_OK = [
  "if_statement",
  "elif_clause",
  "while_statement",
  "assignment",
  "return_statement",
  "expression_statement",
  "boolean_operator",
  "parenthesized_expression",
  "argument_list",
  "keyword_argument",
  "conditional_expression",
  "assert_statement",
];
const LOOSE_OPERANDS = ["boolean_operator", "not_operator", "conditional_expression", "lambda", "comparison_operator"];

/** `d.iteritems()` → `d.items()` where only iterated, `iter(d.items())` elsewhere; `viewitems` → `items`. */
function renameIterMethod(call: Node): SourceEdit | undefined {
  const m = methodCall(call);
  const target = m && m.args.length === 0 ? ITER_METHODS[m.name] : undefined;
  const attr = call.childForFieldName("function")?.childForFieldName("attribute");
  if (!m || !target || !attr) return;
  const api = `dict.${m.name}`;
  if (m.name.startsWith("view") || onlyIterated(call))
    return replaceNode(attr, target, { api, message: `.${m.name}() → .${target}()` });
  const text = `iter(${call.text.slice(0, attr.startIndex - call.startIndex)}${target}${call.text.slice(attr.endIndex - call.startIndex)})`;
  return replaceNode(call, text, { api, message: `.${m.name}() used as an iterator → iter(….${target}())` });
}

function hasKey(call: Node): SourceEdit | LineNote | undefined {
  const m = methodCall(call);
  if (m?.name !== "has_key") return;
  const api = "dict.has_key";
  const [key, ...more] = m.args;
  if (!key || more.length > 0 || key.type === "keyword_argument" || key.type.endsWith("splat"))
    return { line: lineOf(call), api, message: "has_key call without exactly one argument: rewrite by hand" };
  const keyText = LOOSE_OPERANDS.includes(key.type) ? `(${key.text})` : key.text;
  const parent = call.parent;
  if (parent?.type === "not_operator")
    return replaceNode(parent, `${keyText} not in ${m.receiver.text}`, {
      api,
      message: "not d.has_key(k) → k not in d",
    });
  const bare = `${keyText} in ${m.receiver.text}`;
  const text = parent && BARE_IN_OK.includes(parent.type) ? bare : `(${bare})`;
  return replaceNode(call, text, { api, message: "d.has_key(k) → k in d" });
}

/** Whether the value of `node` is used as a list: indexed, `+`-ed, compared, or list-method-called. */
function usedAsList(node: Node): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (parent.type === "subscript") return parent.childForFieldName("value")?.equals(node) ?? false;
  if (parent.type === "binary_operator") return childrenOf(parent).some((c) => c.type === "+");
  if (parent.type === "comparison_operator") return childrenOf(parent).some((c) => c.type === "==" || c.type === "!=");
  if (parent.type === "attribute") return LIST_METHODS.includes(parent.childForFieldName("attribute")?.text ?? "");
  return false;
}

/** Whether a name assigned `d.keys()` is used as a list somewhere in its scope. */
function nameUsedAsList(call: Node): boolean {
  const assignment = call.parent;
  const left = assignment?.type === "assignment" ? assignment.childForFieldName("left") : null;
  if (!assignment || left?.type !== "identifier") return false;
  const uses = descendants(enclosingScope(call)).filter((n) => n.type === "identifier" && n.text === left.text);
  return uses.some((use) => !use.equals(left) && usedAsList(use));
}

/** Whether a `for` loop over `d.keys()` mutates `d` in its body. */
function mutatedInLoop(call: Node, receiver: string): boolean {
  const loop = call.parent;
  if (loop?.type !== "for_statement" || !loop.childForFieldName("right")?.equals(call)) return false;
  const body = loop.childForFieldName("body");
  return descendants(body ?? loop).some((n) => {
    if (n.type === "delete_statement") return n.text.includes(`${receiver}[`);
    if (n.type === "assignment" || n.type === "augmented_assignment") {
      const left = n.childForFieldName("left");
      return left?.type === "subscript" && left.childForFieldName("value")?.text === receiver;
    }
    const m = methodCall(n);
    return m !== undefined && m.receiver.text === receiver && MUTATORS.includes(m.name);
  });
}

function listOfView(call: Node): SourceEdit | undefined {
  const m = methodCall(call);
  if (!m || m.args.length > 0 || !VIEW_METHODS.includes(m.name)) return;
  if (!usedAsList(call) && !nameUsedAsList(call) && !mutatedInLoop(call, m.receiver.text)) return;
  const api = `dict.${m.name}`;
  return replaceNode(call, `list(${call.text})`, { api, message: `.${m.name}() used as a list → list(…)` });
}

/** Plans the dictionary-method rewrites of one file. */
export function planDictMethods(root: Node, source: string): RewritePlan {
  if (!/\.\s*(iter|view)?(items|keys|values|has_key)\b/.test(source)) return { edits: [], leftovers: [] };
  const calls = nodesOfType(root, "call");
  return planOf([...calls.map(renameIterMethod), ...calls.map(hasKey), ...calls.map(listOfView)]);
}

/** The `py-dict-methods` codemod. */
export const dictMethodsCodemod = treeCodemod({
  id: "py-dict-methods",
  description: "iteritems/itervalues/iterkeys → items/values/keys, has_key → in, keys() as a list → list(…)",
  plan: planDictMethods,
});
