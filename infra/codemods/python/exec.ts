/**
 * `py-exec`: the Python 2 exec statement → the `exec()` function, so a file that uses it
 * compiles under Python 3 also where lib2to3 is missing.
 *
 * - `exec code` → `exec(code)`; `exec code in g` → `exec(code, g)`;
 *   `exec code in g, l` → `exec(code, g, l)`.
 * - A call `exec(code)` is left alone.
 */
import type { Node } from "web-tree-sitter";
import { namedChildrenOf, nodesOfType } from "./syntax.ts";
import { replaceNode, treeCodemod } from "./rewrite.ts";
import type { RewritePlan, SourceEdit } from "./rewrite.ts";

function execCall(statement: Node): SourceEdit | undefined {
  const parts = namedChildrenOf(statement).filter((c) => c.type !== "comment");
  if (parts.length === 0) return;
  const text = `exec(${parts.map((p) => p.text).join(", ")})`;
  return replaceNode(statement, text, { api: "exec statement", message: "exec statement → exec() call" });
}

/** Plans the exec rewrites of one file. */
export function planExec(root: Node): RewritePlan {
  const edits = nodesOfType(root, "exec_statement")
    .map(execCall)
    .filter((e): e is SourceEdit => e !== undefined);
  return { edits, leftovers: [] };
}

/** The `py-exec` codemod. */
export const execCodemod = treeCodemod({
  id: "py-exec",
  description: "exec statements → exec() calls (exec code in g, l → exec(code, g, l))",
  plan: planExec,
});
