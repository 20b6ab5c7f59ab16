/**
 * `py-print`: Python 2 print statements → `print()` calls.
 *
 * - `print x, y` → `print(x, y)`; the arguments' text (comments, line breaks inside brackets)
 *   is kept as written.
 * - a trailing comma → `end=" "` (Python 2 wrote a space instead of the newline).
 * - `print >>f, x` → `print(x, file=f)`; a bare `print` → `print()`.
 * - `print (a), b` (a statement printing two values, read as a call in a tuple) → `print((a), b)`.
 * - A call `print(x)` is left alone, and so is every print in a file with
 *   `from __future__ import print_function`.
 */
import type { Node } from "web-tree-sitter";
import { childrenOf, hasFutureImport, nodesOfType, namedChildrenOf, unreadable } from "./syntax.ts";
import { replaceNode, treeCodemod } from "./rewrite.ts";
import type { LineNote, RewritePlan, SourceEdit } from "./rewrite.ts";

const NOTE = { api: "print statement", message: "print statement → print() call" };

/** The `print(...)` text for a print statement node. */
function printCall(statement: Node, source: string): string {
  const chevron = namedChildrenOf(statement).find((c) => c.type === "chevron");
  const args = namedChildrenOf(statement).filter((c) => c.type !== "chevron" && c.type !== "comment");
  const last = childrenOf(statement).at(-1);
  const parts: string[] = [];
  if (args.length > 0) parts.push(source.slice((args[0] as Node).startIndex, (args.at(-1) as Node).endIndex));
  if (last?.type === ",") parts.push('end=" "');
  const target = chevron ? namedChildrenOf(chevron)[0] : undefined;
  if (target) parts.push(`file=${target.text}`);
  return `print(${parts.join(", ")})`;
}

/** `print (a), b` or `print (a),`: an expression statement whose first item is a call of `print`. */
function printedTuple(statement: Node, source: string): SourceEdit | undefined {
  const items = namedChildrenOf(statement).filter((c) => c.type !== "comment");
  const first = items[0];
  const args = first?.childForFieldName("arguments");
  const commas = childrenOf(statement).filter((c) => c.type === ",");
  if (!first || !args || commas.length === 0 || first.childForFieldName("function")?.text !== "print") return;
  const last = items.at(-1) as Node;
  const trailing = (commas.at(-1) as Node).startIndex > last.startIndex ? ', end=" "' : "";
  return {
    start: first.startIndex,
    end: (childrenOf(statement).at(-1) as Node).endIndex,
    text: `print(${source.slice(args.startIndex, last.endIndex)}${trailing})`,
    line: statement.startPosition.row + 1,
    api: "print statement",
    message: "print (a), b → print((a), b)",
  };
}

/** Plans the print rewrites of one file. */
export function planPrint(root: Node, source: string): RewritePlan {
  const leftovers: LineNote[] = unreadable(root).map((n) => ({
    line: n.startPosition.row + 1,
    api: "syntax",
    message: "the parser could not read this part of the file; no codemod changes it",
  }));
  if (!/\bprint\b/.test(source) || hasFutureImport(root, "print_function")) return { edits: [], leftovers };
  const edits: SourceEdit[] = [];
  for (const node of nodesOfType(root, "print_statement", "expression_statement")) {
    if (node.type === "print_statement") edits.push(replaceNode(node, printCall(node, source), NOTE));
    else if (node.text === "print") edits.push(replaceNode(node, "print()", NOTE));
    else {
      const tuple = printedTuple(node, source);
      if (tuple) edits.push(tuple);
    }
  }
  return { edits, leftovers };
}

/** The `py-print` codemod. */
export const printCodemod = treeCodemod({
  id: "py-print",
  description: "print statements → print() calls (>>file → file=, trailing comma → end)",
  plan: planPrint,
});
