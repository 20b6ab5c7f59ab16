/**
 * plan-patch-pr's state, how each event changes it, and its result. Issues move through
 * started (a coder patches them) → queued (waiting for the feature branch) → integrating (the
 * merger merges them, or a coder resolves the conflict) → merged; the feature branch's tip
 * follows each merge and the gate's auto-fix.
 */
import type { PatchOutput, PatchTaskInput } from "../../../protocol/code-patch.ts";
import type { CodePatchTasks } from "../../../protocol/code-patch.ts";
import type { ErrorInfo } from "../../../protocol/errors.ts";
import type {
  ConflictFile,
  DesignOutput,
  IntegrateOutput,
  PlanIssue,
  PlanPatchInput,
  PlanPatchResult,
  PlanPatchTasks,
} from "../../../protocol/plan-patch-pr.ts";
import type { QualityGateResult } from "../../../protocol/quality-gate.ts";
import { addUsage, NO_USAGE, type Usage } from "../../../protocol/usage.ts";
import type { WorkflowEvent } from "../decider.ts";
import { checkPlan, schedule } from "./plan-patch-schedule.ts";

/** The contracts plan-patch-pr dispatches. */
export type PlanPatchTask = (typeof PlanPatchTasks)[keyof typeof PlanPatchTasks] | typeof CodePatchTasks.patch;

/** The id of the coder round after a failed gate, as an issue of its own. */
export const GATE_FIX = "gate-fix";
/** The approval deadline's timer. */
export const APPROVAL_TIMER = "approval";

/** State: what is known so far. */
export interface PlanPatchState {
  input: PlanPatchInput;
  id: string;
  design?: DesignOutput;
  issues?: PlanIssue[];
  /** `plan.issues` tasks sent (at most 2: the second carries the first plan's error). */
  plan_attempts: number;
  plan_error?: string;
  /** Issue ids given to a coder, and their patches. */
  started: string[];
  patches: Record<string, PatchOutput>;
  /** Patched issues waiting for the feature branch, in the order they were patched. */
  queue: string[];
  /** The issue being merged into the feature branch (or its conflict resolved). */
  integrating?: string;
  /** The conflict of its merge, while a coder resolves it. */
  conflict?: ConflictFile[];
  merged: string[];
  feature_sha?: string;
  feature_files: string[];
  gate?: QualityGateResult;
  gate_runs: number;
  pr?: { number: number; url: string };
  approval?: "waiting" | "approved" | "rejected" | "timed_out";
  reject_reason?: string;
  merge_sha?: string;
  failure?: ErrorInfo;
  usage: Usage;
  /** What the last event started (set by evolve on the transition only). */
  trigger?: "merge" | "end";
  /** Issues the last event started, and the issue it sent to be merged (set by the schedule). */
  just_started: string[];
  just_integrating?: string;
}

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

/** The instructions and branches a coder gets for an issue (shared with the texts). */
export type IssuePatch = Omit<PatchTaskInput, "max_steps" | "test_command">;

function testResults(gate: QualityGateResult | undefined): PlanPatchResult["test_results"] {
  const unit = gate?.checks.find((c) => c.id === "unit_tests");
  const coverage = gate?.checks.find((c) => c.id === "coverage");
  return {
    passed: unit?.status === "passed",
    total: unit?.metrics.total ?? 0,
    coverage: coverage && !coverage.skipped ? (coverage.metrics.coverage ?? null) : null,
  };
}

/** Why the PR was not merged (undefined when it was). */
export function notMergedReason(s: PlanPatchState): string | undefined {
  if (s.merge_sha) return undefined;
  if (s.approval === "rejected") return `rejected: ${s.reject_reason ?? "no reason given"}`;
  if (s.approval === "timed_out") return `no approval within ${s.input.approval_timeout_ms} ms`;
  if (s.gate && !s.gate.can_merge)
    return `the quality gate does not allow it: ${s.gate.blocking_issues.join("; ") || "score too low"}`;
  return s.input.auto_merge || s.input.require_approval ? undefined : "auto_merge is off";
}

/** The result once the workflow ends well. */
export function planPatchResult(s: PlanPatchState, branch: string): PlanPatchResult {
  const reason = notMergedReason(s);
  return {
    pr_number: s.pr?.number ?? null,
    pr_url: s.pr?.url ?? null,
    branch_name: branch,
    files_changed: s.feature_files,
    test_results: testResults(s.gate),
    qa_score: s.gate?.overall_score ?? 0,
    merged: s.merge_sha !== undefined,
    merge_commit_sha: s.merge_sha ?? null,
    ...(reason ? { not_merged_reason: reason } : {}),
    design: (s.design as DesignOutput).design,
    issues: (s.issues ?? []).map((i) => ({ ...i, commit_sha: s.patches[i.id]?.commit_sha ?? null })),
    usage: s.usage ?? NO_USAGE,
    gate_workflow_id: s.gate_runs > 0 ? `${s.id}-gate-${s.gate_runs}` : null,
  };
}
