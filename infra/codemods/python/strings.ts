/**
 * `py-strings`: Python 2 string and number types and literals.
 *
 * - `unicode` and `basestring` → `str`, `long` → `int`, `unichr` → `chr` (as names only,
 *   and not when the file defines a name of its own so called).
 * - `ur"…"` → `r"…"` (a `u""` prefix is valid Python 3 and stays).
 * - octal `0777` → `0o777`; long literals `10L` → `10`.
 * - backticks `` `x` `` → `repr(x)`; `<>` → `!=`.
 * Each family's nodes are only visited when the source text could hold one (a quick test first).
 */
import type { Node } from "web-tree-sitter";
import { childrenOf, definedNames, isVariableReference, nodesOfType } from "./syntax.ts";
import { planOf, replaceNode, treeCodemod } from "./rewrite.ts";
import type { RewritePlan, SourceEdit } from "./rewrite.ts";

const RENAMED_TYPES: Readonly<Record<string, string>> = {
  unicode: "str",
  basestring: "str",
  long: "int",
  unichr: "chr",
};

function typeName(node: Node, defined: Set<string>): SourceEdit | undefined {
  const target = RENAMED_TYPES[node.text];
  if (!target || defined.has(node.text) || !isVariableReference(node)) return;
  return replaceNode(node, target, { api: node.text, message: `${node.text} → ${target}` });
}

/** `ur"…"` → `r"…"`; backticks → `repr(…)`. */
function stringLiteral(node: Node): SourceEdit | undefined {
  const start = childrenOf(node)[0];
  if (start?.type !== "string_start") return;
  if (start.text === "`") {
    const inner = node.text.slice(1, -1);
    return replaceNode(node, `repr(${inner})`, { api: "backticks", message: "`x` → repr(x)" });
  }
  const prefix = /^[a-zA-Z]*/.exec(start.text)?.[0] ?? "";
  if (!/^u[r]$/i.test(prefix)) return;
  const text = `${prefix.slice(1)}${start.text.slice(prefix.length)}`;
  return replaceNode(start, text, { api: "ur string", message: `${prefix}"" → ${prefix.slice(1)}""` });
}

function integerLiteral(node: Node): SourceEdit | undefined {
  const text = node.text;
  if (/^[0-9a-fx]+[lL]$/i.test(text) && !/^0[0-7]*[1-7][0-7]*[lL]$/.test(text))
    return replaceNode(node, text.slice(0, -1), { api: "long literal", message: `${text} → ${text.slice(0, -1)}` });
  const octal = /^0([0-7]*[1-7][0-7]*)[lL]?$/.exec(text);
  if (octal) return replaceNode(node, `0o${octal[1]}`, { api: "octal literal", message: `${text} → 0o${octal[1]}` });
}

function notEqual(node: Node): SourceEdit | undefined {
  const op = childrenOf(node).find((c) => c.type === "<>");
  if (op) return replaceNode(op, "!=", { api: "<>", message: "<> → !=" });
}

/** Plans the string and number rewrites of one file. */
export function planStrings(root: Node, source: string): RewritePlan {
  const renames = /\b(unicode|basestring|long|unichr)\b/.test(source);
  const defined = renames ? definedNames(root) : new Set<string>();
  return planOf([
    ...(renames ? nodesOfType(root, "identifier").map((n) => typeName(n, defined)) : []),
    ...(/`|\b[uU][rR]['"]/.test(source) ? nodesOfType(root, "string").map(stringLiteral) : []),
    ...(/\b0[0-7]|[0-9a-fA-F][lL]\b/.test(source) ? nodesOfType(root, "integer").map(integerLiteral) : []),
    ...(source.includes("<>") ? nodesOfType(root, "comparison_operator").map(notEqual) : []),
  ]);
}

/** The `py-strings` codemod. */
export const stringsCodemod = treeCodemod({
  id: "py-strings",
  description: "unicode/basestring → str, long → int, ur'' → r'', 0777 → 0o777, `x` → repr(x), <> → !=",
  plan: planStrings,
});
