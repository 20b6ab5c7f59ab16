/**
 * `code-migration`: the architect analyses the repository (on the analysis pool), the planner
 * turns the analysis into ordered steps (or checks a custom plan), the coder applies each step
 * as one commit on `patchbay/migrate-<id>`, the checker runs the repository's tests after each
 * step (or once at the end), and the merger opens a PR with the migration report. When a step
 * or its tests fail, the completed steps are reverted one at a time, the last first, with
 * revert commits on the branch (the failed step's own commit is dropped from it), so that the
 * branch's tree ends equal to the starting commit's. The rollback is the decider's own
 * sequence of tasks, not the runtime's compensation, so that the result reports it.
 */
import { MigrationInput, MigrationTasks, type MigrationPlan } from "../../../protocol/code-migration.ts";
import type { ErrorInfo } from "../../../protocol/errors.ts";
import { GateTasks } from "../../../protocol/quality-gate.ts";
import { dispatch, type Command, type Workflow, type WorkflowEvent } from "../decider.ts";
import {
  FINAL_VALIDATION,
  compileTask,
  evolveMigration,
  migrationResult,
  revertTask,
  stepOf,
  stepTask,
  validateTask,
  type MigrationState,
  type MigrationTask,
} from "./migration-state.ts";
import { migrationPrBody } from "./migration-report.ts";

type Commands = Command<MigrationTask>[];

const STEP_TIMEOUT_MS = 600_000;

function analyze(s: MigrationState): Commands {
  const { repo, base, migration_type, plan } = s.input;
  const planFile = typeof plan === "string" ? { plan_file: plan } : {};
  return [dispatch(MigrationTasks.analyze, "analyze", { repo, base, migration_type, ...planFile })];
}

function planSteps(s: MigrationState): Commands {
  const { input, analysis } = s;
  const plan = typeof input.plan === "object" ? input.plan : analysis?.plan_text;
  return [
    dispatch(MigrationTasks.plan, "plan", {
      migration_type: input.migration_type,
      source_version: input.source_version,
      target_version: input.target_version,
      by_api: analysis?.by_api ?? {},
      ...(plan === undefined ? {} : { plan }),
    }),
  ];
}

function applyStep(s: MigrationState, index: number): Commands {
  const plan = s.plan as MigrationPlan;
  const step = plan.steps[index];
  const input = {
    repo: s.input.repo,
    base: s.input.base,
    branch: s.branch,
    parent_sha: s.tip ?? "",
    step,
    index: index + 1,
    total: plan.steps.length,
  };
  return [dispatch(MigrationTasks.step, stepTask(step.id), input, { timeout_ms: STEP_TIMEOUT_MS, max_attempts: 3 })];
}

function validate(s: MigrationState, taskId: string, headSha: string): Commands {
  const timeout = s.input.validate_timeout_ms;
  const target = {
    repo: s.input.repo,
    branch: s.branch,
    head_sha: headSha,
    base: s.input.base,
    base_sha: s.analysis?.base_sha,
  };
  const input = { check: "unit_tests" as const, target, required_coverage: 0, timeout_ms: timeout };
  return [dispatch(GateTasks.check, taskId, input, { timeout_ms: timeout + 180_000, max_attempts: 2 })];
}

function compile(s: MigrationState, stepId: string, headSha: string): Commands {
  const timeout = s.input.validate_timeout_ms;
  const input = { repo: s.input.repo, branch: s.branch, head_sha: headSha, timeout_ms: timeout };
  return [
    dispatch(MigrationTasks.compile, compileTask(stepId), input, { timeout_ms: timeout + 180_000, max_attempts: 2 }),
  ];
}

function openPr(s: MigrationState): Commands {
  const { input } = s;
  const title = `migration: ${s.plan?.name ?? input.migration_type} (${input.source_version} → ${input.target_version})`;
  const pr = {
    repo: input.repo,
    head: s.branch,
    base: input.base,
    title,
    body: migrationPrBody(s),
    labels: ["automated", "migration"],
  };
  return [dispatch(MigrationTasks.openPr, "open-pr", pr)];
}

/** After a step is on the branch: the next step, the final validation, or the PR. */
function forward(s: MigrationState): Commands {
  const plan = s.plan as MigrationPlan;
  if (s.completed.length < plan.steps.length) return applyStep(s, s.completed.length);
  if (!s.input.incremental && s.compiles.final === undefined) return validate(s, FINAL_VALIDATION, s.tip ?? "");
  return openPr(s);
}

/** The next revert (the last completed step not yet reverted), or the end of the rollback. */
function rollback(s: MigrationState, at: number): Commands {
  const left = s.completed.filter((id) => !s.reverted.includes(id));
  const last = left.at(-1);
  if (!s.input.auto_rollback || last === undefined || s.rollback_error) return end(s, at);
  const failedCommit = s.failure ? s.outputs[s.failure.step_id]?.commit_sha : undefined;
  const replaces = s.reverted.length === 0 && failedCommit !== undefined ? { replaces: failedCommit } : {};
  const input = {
    repo: s.input.repo,
    base: s.input.base,
    branch: s.branch,
    step_id: last,
    commit_sha: s.outputs[last]?.commit_sha ?? "",
    onto: s.tip ?? "",
    ...replaces,
  };
  return [dispatch(MigrationTasks.revert, revertTask(last), input, { timeout_ms: STEP_TIMEOUT_MS })];
}

function end(s: MigrationState, at: number): Commands {
  const result = migrationResult(s, at);
  const failure = s.failure as NonNullable<MigrationState["failure"]>;
  const rollbackNote = s.rollback_error
    ? `; the rollback stopped: ${s.rollback_error.code} ${s.rollback_error.message}`
    : "";
  const error: ErrorInfo = { code: failure.error.code, message: `${result.error ?? failure.reason}${rollbackNote}` };
  return [{ type: "fail", error, result }];
}

function afterTask(s: MigrationState, taskId: string, at: number): Commands {
  if (s.failure) return taskId === "analyze" || taskId === "plan" ? end(s, at) : rollback(s, at);
  if (taskId === "analyze") return planSteps(s);
  if (taskId === "plan") return applyStep(s, 0);
  if (taskId.startsWith("step-")) {
    const stepId = taskId.slice("step-".length);
    const out = s.outputs[stepId];
    const validated = s.input.incremental && stepOf(s, stepId)?.validate !== false;
    return validated && out ? validate(s, validateTask(stepId), out.commit_sha) : forward(s);
  }
  if (taskId.startsWith("validate-")) {
    const stepId = taskId.slice("validate-".length);
    return compile(s, stepId, s.outputs[stepId]?.commit_sha ?? s.tip ?? "");
  }
  if (taskId.startsWith("compile-")) return forward(s);
  if (taskId === "open-pr") return [{ type: "complete", result: migrationResult(s, at) }];
  return [];
}

function decide(s: MigrationState, event: WorkflowEvent<MigrationTask>): Commands {
  if (event.type === "started") return analyze(s);
  if (event.type === "task.completed" || event.type === "task.failed") return afterTask(s, event.task_id, event.at);
  return [];
}

/** The code-migration workflow. */
export const codeMigration: Workflow<MigrationInput, MigrationState, MigrationTask> = {
  type: "code-migration",
  version: 1,
  input: MigrationInput,
  tasks: [
    MigrationTasks.analyze,
    MigrationTasks.plan,
    MigrationTasks.step,
    MigrationTasks.revert,
    MigrationTasks.openPr,
    MigrationTasks.compile,
    GateTasks.check,
  ],
  initial: (input, ctx) => ({
    input,
    id: ctx.id,
    started_at: ctx.now,
    branch: `patchbay/migrate-${ctx.id}`,
    outputs: {},
    tests: {},
    compiles: {},
    completed: [],
    reverted: [],
  }),
  evolve: evolveMigration,
  decide,
};
