/**
 * The edit model shared by the tree-sitter codemods: a rewrite looks at the parse tree and
 * plans text replacements (each with its line and what it migrates) and leftovers; the
 * codemod applies the replacements back to front, so the rest of the file stays byte for
 * byte as it was. Overlapping replacements are not applied in the same pass; `apply` parses
 * again and repeats (at most a few passes) so nested uses are migrated too.
 */
import type { Node } from "web-tree-sitter";
import type { Codemod, CodemodOutcome, SourceFinding } from "../codemod.ts";
import { withPythonTree } from "./syntax.ts";

/** A finding without its file: what a rewrite reports about one place. */
export interface LineNote {
  /** 1-based line. */
  line: number;
  /** The API or construct, e.g. `print statement`. */
  api: string;
  /** What was done, or why it was left. */
  message: string;
}

/** One planned replacement of `source.slice(start, end)` by `text`. */
export interface SourceEdit extends LineNote {
  /** Start offset (UTF-16 code units, as tree-sitter reports them for JS strings). */
  start: number;
  /** End offset, exclusive. */
  end: number;
  /** The replacement text. */
  text: string;
  /** The second half of a wrap (see {@link wrapNode}): applied, but not counted or listed again. */
  continues?: boolean;
}

/** What a rewrite found in one parse of a file. */
export interface RewritePlan {
  edits: SourceEdit[];
  leftovers: LineNote[];
}

/** A tree-sitter rewrite: plans edits over a parsed file. */
export interface TreeRewrite {
  id: string;
  description: string;
  /** Plans the edits and leftovers of one pass over the tree of `source`. */
  plan(root: Node, source: string): RewritePlan;
}

/** An edit replacing a node's whole text. */
export function replaceNode(node: Node, text: string, note: Omit<LineNote, "line">): SourceEdit {
  return { start: node.startIndex, end: node.endIndex, text, line: node.startPosition.row + 1, ...note };
}

/**
 * Wraps a node as `before` + node + `after` with two insertions, so edits inside the node
 * (a rename in its arguments) still apply in the same pass.
 */
export function wrapNode(node: Node, before: string, after: string, note: Omit<LineNote, "line">): SourceEdit[] {
  const line = node.startPosition.row + 1;
  return [
    { start: node.startIndex, end: node.startIndex, text: before, line, ...note },
    { start: node.endIndex, end: node.endIndex, text: after, line, ...note, continues: true },
  ];
}

/** Applies the non-overlapping edits (the first planned wins); returns the text and how many applied. */
function applyEdits(source: string, edits: readonly SourceEdit[]): { source: string; applied: number } {
  const accepted: SourceEdit[] = [];
  for (const edit of edits) {
    const overlaps = accepted.some((a) => edit.start < a.end && a.start < edit.end);
    if (!overlaps) accepted.push(edit);
  }
  accepted.sort((a, b) => b.start - a.start || b.end - a.end);
  let out = source;
  for (const edit of accepted) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return { source: out, applied: accepted.filter((e) => !e.continues).length };
}

const MAX_PASSES = 4;

function withFile(file: string, notes: readonly LineNote[]): SourceFinding[] {
  return notes.map((n) => ({ file, line: n.line, api: n.api, message: n.message }));
}

/** Applies a rewrite until it plans nothing more (at most {@link MAX_PASSES} passes). */
async function applyRewrite(rewrite: TreeRewrite, source: string, file: string): Promise<CodemodOutcome> {
  let current = source;
  let changes = 0;
  let leftovers: LineNote[] = [];
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const text = current;
    const plan = await withPythonTree(text, (root) => rewrite.plan(root, text));
    leftovers = plan.leftovers;
    const { source: next, applied } = applyEdits(current, plan.edits);
    changes += applied;
    current = next;
    if (applied === plan.edits.filter((e) => !e.continues).length) break;
  }
  return { source: current, changes, leftovers: withFile(file, leftovers) };
}

/** A {@link Codemod} for `.py` files from a tree rewrite: `scan` lists planned edits and leftovers. */
export function treeCodemod(rewrite: TreeRewrite): Codemod {
  return {
    id: rewrite.id,
    description: rewrite.description,
    matches: (file) => file.endsWith(".py"),
    async scan(source, file) {
      const plan = await withPythonTree(source, (root) => rewrite.plan(root, source));
      const findings = withFile(file, [...plan.edits.filter((e) => !e.continues), ...plan.leftovers]);
      return findings.sort((a, b) => a.line - b.line);
    },
    apply: (source, file) => applyRewrite(rewrite, source, file),
  };
}

/** A plan from a mix of edits and leftovers (undefined entries: nothing found there). */
export function planOf(found: ReadonlyArray<SourceEdit | SourceEdit[] | LineNote | undefined>): RewritePlan {
  const plan: RewritePlan = { edits: [], leftovers: [] };
  for (const note of found.flat()) {
    if (note === undefined) continue;
    if ("start" in note) plan.edits.push(note);
    else plan.leftovers.push(note);
  }
  return plan;
}
