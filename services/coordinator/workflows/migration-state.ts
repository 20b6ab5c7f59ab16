/**
 * code-migration's state, how each event changes it (evolve), and the result it gives. The
 * branch's tip is tracked here: a step moves it to its commit once its validation passed
 * (or at once when the step is not validated), a revert moves it to the revert commit.
 */
import { ErrorCode, type ErrorInfo } from "../../../protocol/errors.ts";
import type {
  AnalysisReport,
  CompileOutput,
  MigrationInput,
  MigrationPlan,
  MigrationResult,
  MigrationTasks,
  StepOutput,
  StepResult,
} from "../../../protocol/code-migration.ts";
import type { CheckOutcome, GateTasks } from "../../../protocol/quality-gate.ts";
import type { WorkflowEvent } from "../decider.ts";

/** The contracts code-migration dispatches. */
export type MigrationTask = (typeof MigrationTasks)[keyof typeof MigrationTasks] | typeof GateTasks.check;

/** Why the migration stopped going forward. */
export interface MigrationFailure {
  /** The step that failed, or the phase (`analyze`, `plan`, `validate-final`, `open-pr`). */
  step_id: string;
  reason: string;
  error: ErrorInfo;
}

/** State: what is known so far. */
export interface MigrationState {
  input: MigrationInput;
  id: string;
  started_at: number;
  branch: string;
  analysis?: AnalysisReport;
  plan?: MigrationPlan;
  /** Step outputs by step id, in the order they completed. */
  outputs: Record<string, StepOutput>;
  /** The validation after each step, by step id (`final` for the one at the end). */
  tests: Record<string, CheckOutcome>;
  /** The type check or compile after each step's tests, by step id. */
  compiles: Record<string, CompileOutput>;
  /** Steps whose commit is on the branch, in order. */
  completed: string[];
  /** The branch's tip: the base, then the last completed step, then the last revert. */
  tip?: string;
  failure?: MigrationFailure;
  /** Steps reverted, in the order they were. */
  reverted: string[];
  /** The tree after the last revert. */
  reverted_tree?: string;
  /** A revert that failed: the rollback stops there. */
  rollback_error?: ErrorInfo;
  pr_url?: string;
}

/** The task id of a step, of its validation, and of its revert. */
export const stepTask = (id: string) => `step-${id}`;
export const validateTask = (id: string) => `validate-${id}`;
export const compileTask = (id: string) => `compile-${id}`;
export const revertTask = (id: string) => `revert-${id}`;
/** The task id of the single validation at the end of a non-incremental migration. */
export const FINAL_VALIDATION = "validate-final";

const tail = (task: string, prefix: string) => task.slice(prefix.length);

/** The summary line of a check outcome: `12/12 passed`, `failed: …`. */
export function testsLine(outcome: CheckOutcome | undefined): string | null {
  if (outcome === undefined) return null;
  return outcome.status === "passed" ? outcome.summary : `${outcome.status}: ${outcome.summary}`;
}

function failed(s: MigrationState, stepId: string, reason: string, error: ErrorInfo): MigrationState {
  return s.failure ? s : { ...s, failure: { step_id: stepId, reason, error } };
}

function onCompleted(s: MigrationState, taskId: string, output: unknown): MigrationState {
  if (taskId === "analyze") {
    const analysis = output as AnalysisReport;
    return { ...s, analysis, tip: analysis.base_sha };
  }
  if (taskId === "plan") return { ...s, plan: output as MigrationPlan };
  if (taskId.startsWith("step-")) {
    const out = output as StepOutput;
    const next = { ...s, outputs: { ...s.outputs, [out.step_id]: out } };
    const validated = s.input.incremental && stepOf(s, out.step_id)?.validate !== false;
    return validated ? next : { ...next, completed: [...s.completed, out.step_id], tip: out.commit_sha };
  }
  if (taskId.startsWith("validate-")) return onValidated(s, taskId, output as CheckOutcome);
  if (taskId.startsWith("compile-")) return onCompiled(s, tail(taskId, "compile-"), output as CompileOutput);
  if (taskId.startsWith("revert-")) {
    const out = output as { revert_sha: string; tree: string };
    return { ...s, reverted: [...s.reverted, tail(taskId, "revert-")], tip: out.revert_sha, reverted_tree: out.tree };
  }
  if (taskId === "open-pr") return { ...s, pr_url: (output as { url: string }).url };
  return s;
}

function onValidated(s: MigrationState, taskId: string, outcome: CheckOutcome): MigrationState {
  const stepId = tail(taskId, "validate-");
  const next = { ...s, tests: { ...s.tests, [stepId]: outcome } };
  if (outcome.status !== "passed") {
    const reason = `its tests did not pass (${outcome.status}): ${outcome.summary}`;
    return failed(next, stepId, reason, { code: ErrorCode.MigrationTestsFailed, message: `${stepId}: ${reason}` });
  }
  return next;
}

/** The type check or compile after the tests: the step is complete once it passes. */
function onCompiled(s: MigrationState, stepId: string, output: CompileOutput): MigrationState {
  const next = { ...s, compiles: { ...s.compiles, [stepId]: output } };
  if (!output.passed) {
    const reason = `its type check failed (${output.command ?? "compile"}): ${output.tail.split("\n").slice(-3).join(" ")}`;
    return failed(next, stepId, reason, { code: ErrorCode.MigrationTestsFailed, message: `${stepId}: ${reason}` });
  }
  if (stepId === "final") return next;
  const out = s.outputs[stepId];
  return out ? { ...next, completed: [...s.completed, stepId], tip: out.commit_sha } : next;
}

/** The compile line of a step: `tsc --noEmit passed`, or null when none ran or the project has none. */
export function compileLine(output: CompileOutput | undefined): string | null {
  if (output === undefined || !output.declared) return null;
  return `${output.command ?? "compile"} ${output.passed ? "passed" : "failed"}`;
}

/** Folds one event into the state. */
export function evolveMigration(s: MigrationState, event: WorkflowEvent<MigrationTask>): MigrationState {
  if (event.type === "task.completed") return onCompleted(s, event.task_id, event.output);
  if (event.type === "task.failed") {
    if (event.task_id.startsWith("revert-")) return { ...s, rollback_error: event.error };
    const id = event.task_id.replace(/^(step|validate|compile|revert)-/, "");
    return failed(s, id, `${event.error.code}: ${event.error.message}`, event.error);
  }
  return s;
}

/** The plan step with this id. */
export function stepOf(s: MigrationState, stepId: string) {
  return s.plan?.steps.find((step) => step.id === stepId);
}

function rowOf(s: MigrationState, stepId: string): StepResult {
  const out = s.outputs[stepId];
  const failedHere = s.failure?.step_id === stepId;
  return {
    step_id: stepId,
    success: s.completed.includes(stepId),
    files_changed: out?.files_changed ?? [],
    changes: out?.changes ?? {},
    leftovers: out?.leftovers ?? [],
    tests: testsLine(s.tests[stepId]),
    compile: compileLine(s.compiles[stepId]),
    commit_sha: out?.commit_sha ?? null,
    reverted: s.reverted.includes(stepId),
    ...(failedHere ? { error: s.failure?.reason } : {}),
  };
}

/** The result at `at`: one row per planned step that ran. */
export function migrationResult(s: MigrationState, at: number): MigrationResult {
  const steps = s.plan?.steps ?? [];
  const ran = steps.filter((step) => s.outputs[step.id] !== undefined || s.failure?.step_id === step.id);
  const rollback = s.reverted.length > 0;
  return {
    plan_name: s.plan?.name ?? s.input.migration_type,
    total_steps: steps.length,
    completed_steps: s.completed.length,
    failed_steps: s.failure && steps.some((step) => step.id === s.failure?.step_id) ? 1 : 0,
    step_results: ran.map((step) => rowOf(s, step.id)),
    final_pr_url: s.pr_url ?? null,
    rollback_performed: rollback,
    duration_minutes: Math.round((at - s.started_at) / 6_000) / 10,
    branch: s.branch,
    tree_restored: rollback ? s.reverted_tree === s.analysis?.base_tree : null,
    analysis: s.analysis?.artifact ?? "",
    ...(s.failure ? { error: `${s.failure.step_id}: ${s.failure.reason}` } : {}),
  };
}
