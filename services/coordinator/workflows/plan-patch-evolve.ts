/**
 * How each event changes plan-patch-pr's state: task results, the gate child, the approval
 * signals and timer; then the schedule starts what may start (plan-patch-schedule.ts).
 */
import type { DesignOutput, IntegrateOutput, PlanIssue } from "../../../protocol/plan-patch-pr.ts";
import type { PatchOutput } from "../../../protocol/code-patch.ts";
import type { QualityGateResult } from "../../../protocol/quality-gate.ts";
import { addUsage, type Usage } from "../../../protocol/usage.ts";
import type { WorkflowEvent } from "../decider.ts";
import { checkPlan, schedule } from "./plan-patch-schedule.ts";
import { APPROVAL_TIMER, type PlanPatchState, type PlanPatchTask } from "./plan-patch-state.ts";

const usageOf = (output: unknown): Usage | undefined => (output as { usage?: Usage }).usage;

function onIntegrated(
  s: PlanPatchState,
  issueId: string,
  out: IntegrateOutput | { feature_sha: string; files: string[] },
) {
  if ("status" in out && out.status === "conflict") return { ...s, conflict: out.files };
  const merged = out as { feature_sha: string; files: string[] };
  return {
    ...s,
    integrating: undefined,
    conflict: undefined,
    merged: [...s.merged, issueId],
    feature_sha: merged.feature_sha,
    feature_files: [...new Set([...s.feature_files, ...merged.files])].sort(),
  };
}

function onCompleted(s: PlanPatchState, taskId: string, output: unknown): PlanPatchState {
  const usage = usageOf(output);
  const next = usage ? { ...s, usage: addUsage(s.usage, usage) } : s;
  if (taskId === "design") return { ...next, design: output as DesignOutput };
  if (taskId.startsWith("issues-"))
    return checkPlan({
      ...next,
      issues: (output as { issues: PlanIssue[] }).issues,
      plan_attempts: Number(taskId.slice(7)),
    });
  const [kind, issueId] = [taskId.split("-")[0], taskId.slice(taskId.indexOf("-") + 1)];
  if (kind === "patch")
    return { ...next, patches: { ...next.patches, [issueId]: output as PatchOutput }, queue: [...next.queue, issueId] };
  if (kind === "integrate" || kind === "resolve") return onIntegrated(next, issueId, output as IntegrateOutput);
  if (taskId === "open-pr") {
    const pr = output as { number: number; url: string };
    return { ...next, pr, ...(s.input.require_approval ? { approval: "waiting" as const } : {}) };
  }
  if (taskId === "merge") return { ...next, merge_sha: (output as { merge_commit_sha: string }).merge_commit_sha };
  return next;
}

function onSignal(s: PlanPatchState, name: string, payload: unknown): PlanPatchState {
  if (s.approval !== "waiting") return s;
  if (name === "approve") return { ...s, approval: "approved", trigger: "merge" };
  if (name !== "reject") return s;
  const reason = (payload as { reason?: unknown } | undefined)?.reason;
  return {
    ...s,
    approval: "rejected",
    reject_reason: typeof reason === "string" ? reason : "no reason given",
    trigger: "end",
  };
}

/** Folds one event into the state, then starts what may start. */
export function evolvePlanPatch(s0: PlanPatchState, event: WorkflowEvent<PlanPatchTask>): PlanPatchState {
  const s = { ...s0, trigger: undefined, just_started: [], just_integrating: undefined };
  return schedule(applyEvent(s, event));
}

function applyEvent(s: PlanPatchState, event: WorkflowEvent<PlanPatchTask>): PlanPatchState {
  switch (event.type) {
    case "task.completed":
      return onCompleted(s, event.task_id, event.output);
    case "task.failed":
      return s.failure
        ? s
        : { ...s, failure: { code: event.error.code, message: `${event.task_id}: ${event.error.message}` } };
    case "child.completed": {
      const gate = event.result as QualityGateResult;
      const tip = gate.auto_fix?.commit_sha ?? s.feature_sha;
      return { ...s, gate, gate_runs: s.gate_runs + 1, ...(tip ? { feature_sha: tip } : {}) };
    }
    case "child.failed":
      return { ...s, failure: { code: event.error.code, message: `the quality gate failed: ${event.error.message}` } };
    case "signal":
      return onSignal(s, event.name, event.payload);
    case "timer.fired":
      return event.timer_id === APPROVAL_TIMER && s.approval === "waiting"
        ? { ...s, approval: "timed_out", trigger: "end" }
        : s;
    default:
      return s;
  }
}
