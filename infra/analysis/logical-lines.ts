/**
 * Logical lines: the lines of a file that carry code. Blank lines, comments and docstrings
 * (Python module, class and function docstrings) are not logical lines; a line with code
 * and a trailing comment is. A function's own logical lines leave out the lines of the
 * functions nested in it (from their second line on: the line that opens a callback is the
 * outer function's too), the way its complexity leaves out their decisions.
 */
import type { Node } from "web-tree-sitter";

/** Per line (index 0 = line 1): 1 when the line carries code. */
export type CodeFlags = Uint8Array;

/** Marks every non-blank line as code; comments and docstrings are removed by {@link blankNode}. */
export function nonBlankLines(lines: readonly string[]): CodeFlags {
  const flags = new Uint8Array(lines.length);
  lines.forEach((line, index) => {
    if (line.trim() !== "") flags[index] = 1;
  });
  return flags;
}

/**
 * Unmarks the lines a comment or docstring fills: its inner lines, its first line when
 * nothing precedes it there, and its last line when nothing follows it there.
 */
export function blankNode(flags: CodeFlags, lines: readonly string[], node: Node): void {
  const start = node.startPosition;
  const end = node.endPosition;
  const before = (lines[start.row] ?? "").slice(0, start.column).trim() === "";
  const after = (lines[end.row] ?? "").slice(end.column).trim() === "";
  if (start.row === end.row) {
    if (before && after) flags[start.row] = 0;
    return;
  }
  if (before) flags[start.row] = 0;
  for (let row = start.row + 1; row < end.row; row++) flags[row] = 0;
  if (after) flags[end.row] = 0;
}

/** The docstring of a Python module, class or function body (its first statement, a lone string), or null. */
export function docstringOf(body: Node | null): Node | null {
  const first = body?.firstNamedChild ?? null;
  if (first?.type !== "expression_statement" || first.namedChildCount !== 1) return null;
  return first.firstNamedChild?.type === "string" ? first : null;
}

/** Logical lines from 1-based `from` to `to` inclusive, with `prefix` from {@link prefixSums}. */
export function countBetween(prefix: Uint32Array, from: number, to: number): number {
  if (to < from) return 0;
  return prefix[Math.min(to, prefix.length - 1)] - prefix[Math.max(from - 1, 0)];
}

/** `prefix[n]` = logical lines among lines 1..n. */
export function prefixSums(flags: CodeFlags): Uint32Array {
  const prefix = new Uint32Array(flags.length + 1);
  for (let i = 0; i < flags.length; i++) prefix[i + 1] = prefix[i] + flags[i];
  return prefix;
}

/** The 1-based numbers of the logical lines. */
export function codeLineNumbers(flags: CodeFlags): number[] {
  const numbers: number[] = [];
  flags.forEach((flag, index) => {
    if (flag === 1) numbers.push(index + 1);
  });
  return numbers;
}

/** Share of a file's logical lines above which a function passed to or called as a call is its module wrapper. */
export const WRAPPER_SHARE = 0.9;

/**
 * Whether a function is called in place or passed to a call (an IIFE, a UMD factory,
 * `define(function () {…})`): with {@link WRAPPER_SHARE} of the file's logical lines it is the
 * module's wrapper, not a function anyone wrote as one.
 */
export function isCalledOrPassed(node: Node): boolean {
  let parent = node.parent;
  while (parent?.type === "parenthesized_expression") parent = parent.parent;
  return parent?.type === "call_expression" || parent?.type === "arguments";
}
