/**
 * plan-patch-pr's scheduling, folded into the state after every event (so that the decider
 * only has to send what it newly started): issues whose dependencies are merged start up to
 * `max_parallel_coders` at a time, and patched issues are merged into the feature branch one
 * at a time, in the order their patches came back.
 */
import { ErrorCode } from "../../../protocol/errors.ts";
import { graphError, readyIssues } from "./issue-graph.ts";
import type { PlanPatchState } from "./plan-patch-state.ts";

/** What the last event started: issues to patch, and the issue to merge. */
export interface Started {
  just_started: string[];
  just_integrating?: string;
}

/** The plan's error after the planner answered, and the failure once its one retry is spent. */
export function checkPlan(s: PlanPatchState): PlanPatchState {
  const error = s.issues ? graphError(s.issues) : undefined;
  if (error === undefined) return { ...s, plan_error: undefined };
  const failure =
    s.plan_attempts >= 2 ? { failure: { code: ErrorCode.InvalidPlan, message: `the planner's issues: ${error}` } } : {};
  return { ...s, issues: undefined, plan_error: error, ...failure };
}

/** Starts what may start now; returns the state with `just_started` and `just_integrating`. */
export function schedule(s: PlanPatchState): PlanPatchState & Started {
  if (s.failure || !s.issues) return { ...s, just_started: [] };
  const running = s.started.filter((id) => !s.patches[id]).length;
  const capacity = Math.max(0, s.input.max_parallel_coders - running);
  const ready = readyIssues(s.issues, new Set(s.started), new Set(s.merged))
    .slice(0, capacity)
    .map((i) => i.id);
  const next = { ...s, started: [...s.started, ...ready], just_started: ready };
  if (next.integrating !== undefined || next.queue.length === 0) return next;
  const [head, ...rest] = next.queue;
  return { ...next, integrating: head, queue: rest, just_integrating: head };
}
