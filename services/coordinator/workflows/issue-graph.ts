/**
 * The planner's issues as a graph: the check that their dependencies form a DAG over ids that
 * exist, and which issues may start once others are merged. Pure.
 */
import type { PlanIssue } from "../../../protocol/plan-patch-pr.ts";

/** Why the issues cannot run, or undefined when they form a DAG. */
export function graphError(issues: readonly PlanIssue[]): string | undefined {
  const ids = new Set<string>();
  for (const issue of issues) {
    if (ids.has(issue.id)) return `issue id ${issue.id} is used twice`;
    ids.add(issue.id);
  }
  for (const issue of issues) {
    const unknown = issue.dependencies.filter((d) => !ids.has(d));
    if (unknown.length > 0) return `issue ${issue.id} depends on ${unknown.join(", ")}, which does not exist`;
    if (issue.dependencies.includes(issue.id)) return `issue ${issue.id} depends on itself`;
  }
  const cycle = findCycle(issues);
  return cycle ? `the dependencies form a cycle: ${cycle.join(" → ")}` : undefined;
}

/** One cycle as a path that ends where it starts, or undefined (depth-first, in the given order). */
function findCycle(issues: readonly PlanIssue[]): string[] | undefined {
  const deps = new Map(issues.map((i) => [i.id, i.dependencies]));
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === "done") return undefined;
    if (state.get(id) === "visiting") return [...path.slice(path.indexOf(id)), id];
    state.set(id, "visiting");
    path.push(id);
    for (const dep of deps.get(id) ?? []) {
      const found = visit(dep);
      if (found) return found;
    }
    path.pop();
    state.set(id, "done");
    return undefined;
  };
  for (const issue of issues) {
    const found = visit(issue.id);
    if (found) return found;
  }
  return undefined;
}

/** Issues not started whose dependencies are all merged, in plan order. */
export function readyIssues(issues: readonly PlanIssue[], started: ReadonlySet<string>, merged: ReadonlySet<string>) {
  return issues.filter((i) => !started.has(i.id) && i.dependencies.every((d) => merged.has(d)));
}
