/**
 * `py-iterators`: Python 2 iterator builtins and methods.
 *
 * - `xrange` → `range` (unless the file defines its own `xrange`).
 * - `itertools.izip/imap/ifilter` → `zip/map/filter`, `izip_longest` → `zip_longest`,
 *   `ifilterfalse` → `filterfalse`; in `from itertools import …` the builtins are dropped
 *   (the whole statement when nothing is left) and their uses renamed. An aliased import
 *   (`from itertools import izip as z`) is a leftover.
 * - `x.next()` → `next(x)`; a method `def next(self)` in a class → `def __next__(self)`.
 * - `map(…)`, `filter(…)`, `zip(…)`, `range(…)` → `list(…)` unless the result is only iterated: the
 *   iterable of a `for` or a comprehension, or the argument of a call that consumes an
 *   iterable (`list`, `sorted`, `sum`, `"".join`, …), or when an argument is an endless
 *   `count()` / `cycle()` / `repeat()`. `map(None, …)` is a leftover.
 */
import type { Node } from "web-tree-sitter";
import { definedNames, isVariableReference, lineOf, methodCall, namedChildrenOf, nodesOfType } from "./syntax.ts";
import { planOf, replaceNode, treeCodemod, wrapNode } from "./rewrite.ts";
import type { LineNote, RewritePlan, SourceEdit } from "./rewrite.ts";
import { onlyIterated } from "./iteration.ts";

const BUILTIN_OF: Readonly<Record<string, string>> = { izip: "zip", imap: "map", ifilter: "filter" };
const RENAMED: Readonly<Record<string, string>> = { izip_longest: "zip_longest", ifilterfalse: "filterfalse" };
const LISTED = ["map", "filter", "zip", "range"];

function xrange(node: Node, defined: Set<string>): SourceEdit | undefined {
  if (node.text !== "xrange" || defined.has("xrange") || !isVariableReference(node)) return;
  return replaceNode(node, "range", { api: "xrange", message: "xrange → range" });
}

/** `itertools.izip` → `zip`; `itertools.izip_longest` → `itertools.zip_longest`. */
function itertoolsAttribute(node: Node): SourceEdit | undefined {
  const name = node.childForFieldName("attribute")?.text ?? "";
  if (node.childForFieldName("object")?.text !== "itertools") return;
  const api = `itertools.${name}`;
  if (BUILTIN_OF[name]) return replaceNode(node, BUILTIN_OF[name], { api, message: `${api} → ${BUILTIN_OF[name]}` });
  if (RENAMED[name])
    return replaceNode(node, `itertools.${RENAMED[name]}`, { api, message: `${api} → ${RENAMED[name]}` });
}

/** Names imported from itertools that are builtins in Python 3 (unaliased only). */
function importedBuiltins(root: Node): Set<string> {
  const names = new Set<string>();
  for (const s of nodesOfType(root, "import_from_statement")) {
    if (s.childForFieldName("module_name")?.text !== "itertools") continue;
    for (const n of s.childrenForFieldName("name")) if (BUILTIN_OF[n.text] || RENAMED[n.text]) names.add(n.text);
  }
  return names;
}

/** Rewrites `from itertools import izip, count` → `from itertools import count` (or drops it). */
function itertoolsImport(statement: Node, source: string): SourceEdit | LineNote | undefined {
  if (statement.childForFieldName("module_name")?.text !== "itertools") return;
  const names = statement.childrenForFieldName("name");
  const aliased = names.find((n) => n.type === "aliased_import" && BUILTIN_OF[namedChildrenOf(n)[0]?.text ?? ""]);
  const api = "from itertools import";
  if (aliased) return { line: lineOf(statement), api, message: `${aliased.text}: aliased builtin, rewrite by hand` };
  const kept = names.filter((n) => !BUILTIN_OF[n.text]).map((n) => RENAMED[n.text] ?? n.text);
  if (kept.length === names.length && names.every((n) => !RENAMED[n.text])) return;
  const message = "itertools builtins dropped from the import";
  if (kept.length > 0) {
    const first = names[0] as Node;
    const last = names.at(-1) as Node;
    return {
      start: first.startIndex,
      end: last.endIndex,
      text: kept.join(", "),
      line: lineOf(statement),
      api,
      message,
    };
  }
  const end = source[statement.endIndex] === "\n" ? statement.endIndex + 1 : statement.endIndex;
  return { start: statement.startIndex, end, text: "", line: lineOf(statement), api, message };
}

function importedUse(node: Node, imported: Set<string>): SourceEdit | undefined {
  const target = BUILTIN_OF[node.text] ?? RENAMED[node.text];
  if (!target || !imported.has(node.text) || !isVariableReference(node)) return;
  if (node.parent?.type === "dotted_name") return;
  return replaceNode(node, target, { api: `itertools.${node.text}`, message: `${node.text} → ${target}` });
}

function nextCall(call: Node): SourceEdit | undefined {
  const m = methodCall(call);
  if (m?.name !== "next" || m.args.length > 0) return;
  return replaceNode(call, `next(${m.receiver.text})`, { api: ".next()", message: "x.next() → next(x)" });
}

function nextMethod(fn: Node): SourceEdit | undefined {
  const name = fn.childForFieldName("name");
  const inClass = fn.parent?.parent?.type === "class_definition";
  if (name?.text !== "next" || !inClass) return;
  return replaceNode(name, "__next__", { api: "def next", message: "iterator method next → __next__" });
}

/** `count(…)`, `cycle(…)`, `repeat(x)` (bare or `itertools.`): a list of it would never end. */
function isInfinite(arg: Node): boolean {
  const fn = arg.type === "call" ? arg.childForFieldName("function")?.text : undefined;
  return fn !== undefined && /^(itertools\.)?(count|cycle|repeat)$/.test(fn);
}

function listOfIterator(call: Node, defined: Set<string>): SourceEdit[] | LineNote | undefined {
  const fn = call.childForFieldName("function");
  if (fn?.type !== "identifier" || !LISTED.includes(fn.text) || defined.has(fn.text)) return;
  const args = namedChildrenOf(call.childForFieldName("arguments") ?? call);
  if (fn.text === "map" && args[0]?.text === "None")
    return {
      line: lineOf(call),
      api: "map(None, …)",
      message: "map(None, …) has no Python 3 equivalent: rewrite by hand",
    };
  if (onlyIterated(call) || args.some(isInfinite)) return;
  return wrapNode(call, "list(", ")", { api: fn.text, message: `${fn.text}(…) used beyond iteration → list(…)` });
}

/** Plans the iterator rewrites of one file. */
export function planIterators(root: Node, source: string): RewritePlan {
  const defined = definedNames(root);
  const itertools = source.includes("itertools");
  const imported = itertools ? importedBuiltins(root) : new Set<string>();
  const identifiers = /\bxrange\b/.test(source) || imported.size > 0 ? nodesOfType(root, "identifier") : [];
  const calls = /\b(next|map|filter|zip|range)\s*\(/.test(source) ? nodesOfType(root, "call") : [];
  return planOf([
    ...identifiers.map((n) => xrange(n, defined)),
    ...(itertools ? nodesOfType(root, "attribute").map(itertoolsAttribute) : []),
    ...(itertools ? nodesOfType(root, "import_from_statement").map((s) => itertoolsImport(s, source)) : []),
    ...identifiers.map((n) => importedUse(n, imported)),
    ...calls.map(nextCall),
    ...(/\bdef\s+next\b/.test(source) ? nodesOfType(root, "function_definition").map(nextMethod) : []),
    ...calls.map((c) => listOfIterator(c, defined)),
  ]);
}

/** The `py-iterators` codemod. */
export const iteratorsCodemod = treeCodemod({
  id: "py-iterators",
  description: "xrange → range, itertools.izip/imap/ifilter → builtins, .next() → next(), map/filter/zip as lists",
  plan: planIterators,
});
