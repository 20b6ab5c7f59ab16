/**
 * plan-patch-pr's state and its result (events fold in plan-patch-evolve.ts). Issues move through
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
  PlanIssue,
  PlanPatchInput,
  PlanPatchResult,
  PlanPatchTasks,
} from "../../../protocol/plan-patch-pr.ts";
import type { QualityGateResult } from "../../../protocol/quality-gate.ts";
import { NO_USAGE, type Usage } from "../../../protocol/usage.ts";

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
