/**
 * `py-except`: the Python 2 exception syntax.
 *
 * - `except E, e:` → `except E as e:` (also `except (A, B), e:`); a target that is not a
 *   plain name (`except E, (a, b):`, `except E, self.err:`) is a leftover.
 * - `raise E, "msg"` → `raise E("msg")`; `raise E, (a, b)` → `raise E(a, b)`;
 *   `raise E, v, tb` → `raise E(v).with_traceback(tb)`. A raised value that is not a
 *   name or a dotted name (`raise make(), "m"`) is a leftover.
 */
import type { Node } from "web-tree-sitter";
import { childrenOf, lineOf, namedChildrenOf, nodesOfType } from "./syntax.ts";
import { planOf, replaceNode, treeCodemod } from "./rewrite.ts";
import type { LineNote, RewritePlan, SourceEdit } from "./rewrite.ts";

/** The edit or leftover for one `except` clause, when it uses the comma form. */
function exceptAs(clause: Node): SourceEdit | LineNote | undefined {
  const comma = childrenOf(clause).find((c) => c.type === ",");
  const target = comma?.nextNamedSibling;
  if (!comma || !target) return;
  const api = "except E, e";
  if (target.type !== "identifier")
    return { line: lineOf(clause), api, message: `except target ${target.text} is not a plain name: rewrite by hand` };
  return {
    start: comma.startIndex,
    end: target.startIndex,
    text: " as ",
    line: lineOf(clause),
    api,
    message: "except E, e → except E as e",
  };
}

/** Arguments of the exception call from the raised value: a tuple is spread. */
function exceptionArgs(value: Node): string {
  if (value.type !== "tuple") return value.text;
  return value.text.slice(1, -1).replace(/,\s*$/, "");
}

/** The edit or leftover for one `raise E, v[, tb]` statement. */
function raiseCall(statement: Node): SourceEdit | LineNote | undefined {
  const list = namedChildrenOf(statement)[0];
  if (list?.type !== "expression_list") return;
  const [kind, value, traceback, ...rest] = namedChildrenOf(list);
  const api = "raise E, V";
  if (!kind || !value || rest.length > 0) return;
  if (kind.type !== "identifier" && kind.type !== "attribute")
    return { line: lineOf(statement), api, message: `raise ${kind.text}, … raises a computed class: rewrite by hand` };
  const call = `${kind.text}(${exceptionArgs(value)})`;
  const text = traceback ? `${call}.with_traceback(${traceback.text})` : call;
  return replaceNode(list, text, { api, message: "raise E, V → raise E(V)" });
}

/** Plans the exception-syntax rewrites of one file. */
export function planExcept(root: Node): RewritePlan {
  return planOf([
    ...nodesOfType(root, "except_clause").map(exceptAs),
    ...nodesOfType(root, "raise_statement").map(raiseCall),
  ]);
}

/** The `py-except` codemod. */
export const exceptCodemod = treeCodemod({
  id: "py-except",
  description: "except E, e → except E as e; raise E, V → raise E(V)",
  plan: planExcept,
});
