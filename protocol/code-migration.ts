/**
 * The code-migration workflow's contracts: its input, the plan format (also the format of a
 * user's custom plan), the architect's analysis, the coder's steps and their reverts, and the
 * result (the seed's MigrationResult, snake_case). See docs/migration.md.
 */
import { z } from "zod";
import { defineTask } from "./contract.ts";
import { ForgeRef, OpenPrInput } from "./incident-swarm.ts";
import { Usage } from "./usage.ts";

/** The migrations patchbay plans itself; `custom` takes a plan given inline or as a file. */
export const MigrationType = z.enum(["react-upgrade", "python3-migration", "custom"]);
export type MigrationType = z.infer<typeof MigrationType>;

/** A step id: a kebab-case token, the commit subject's scope `migration(<id>)`. */
const StepId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/, "a step id is lower-case letters, digits and -");

/** One step of a plan: the codemods it runs, in order, and the validation after it. */
export const PlanStep = z.object({
  id: StepId,
  title: z.string().min(1),
  /** Codemod ids (`patchbay migrate --codemods` lists them). */
  codemods: z.array(z.string().min(1)).min(1),
  /** Run the repository's tests after this step (when the migration is incremental). */
  validate: z.boolean().default(true),
  /** The analysis's API names this step migrates; the planner drops the step when none was found. */
  apis: z.array(z.string().min(1)).optional(),
});
export type PlanStep = z.infer<typeof PlanStep>;

/** A migration plan: ordered steps. Step ids are unique. */
export const MigrationPlan = z
  .object({
    name: z.string().min(1),
    steps: z.array(PlanStep).min(1).max(50),
  })
  .refine((plan) => new Set(plan.steps.map((s) => s.id)).size === plan.steps.length, {
    message: "step ids must be unique",
    path: ["steps"],
  });
export type MigrationPlan = z.infer<typeof MigrationPlan>;

/** Input of `workflow.start.code-migration`. */
export const MigrationInput = z.object({
  /** A git URL or path the roles can clone. */
  repo: z.string().min(1),
  migration_type: MigrationType,
  source_version: z.string().min(1),
  target_version: z.string().min(1),
  /** Validate after every step (true) or once at the end. */
  incremental: z.boolean().default(true),
  /** Revert the completed steps, last first, when a step or its validation fails. */
  auto_rollback: z.boolean().default(true),
  base: z.string().min(1).default("main"),
  /** A custom plan inline, or the path of a JSON plan file in the repository. */
  plan: z.union([MigrationPlan, z.string().min(1)]).optional(),
  /** Start-to-close of one validation (ms); installs included. */
  validate_timeout_ms: z.number().int().min(10_000).default(900_000),
});
export type MigrationInput = z.infer<typeof MigrationInput>;

/** A deprecated API use, or a use a codemod left for a person or a model. */
export const ApiUse = z.object({
  file: z.string(),
  line: z.number().int().positive(),
  api: z.string(),
  message: z.string(),
});
export type ApiUse = z.infer<typeof ApiUse>;

/** What the architect is asked. */
export const AnalyzeInput = z.object({
  repo: z.string().min(1),
  base: z.string().min(1),
  migration_type: MigrationType,
  /** A plan file to read from the repository (custom migrations). */
  plan_file: z.string().min(1).optional(),
});
export type AnalyzeInput = z.infer<typeof AnalyzeInput>;

/** The architect's report (kept whole in the artifacts store; `uses` is capped here). */
export const AnalysisReport = z.object({
  base_sha: z.string(),
  /** The tree of `base_sha`: a rolled-back branch must end on it. */
  base_tree: z.string(),
  files_scanned: z.number().int().nonnegative(),
  /** Files that use the framework (import react / react-dom; Python 2 syntax). */
  framework_files: z.array(z.string()),
  /** Deprecated uses found, first 500, with `uses_total` the full count. */
  uses: z.array(ApiUse),
  uses_total: z.number().int().nonnegative(),
  /** Count per API. */
  by_api: z.record(z.string(), z.number().int()),
  test_command: z.string().nullable(),
  package_manager: z.string().nullable(),
  duration_ms: z.number().nonnegative(),
  /** The plan file's content, for custom migrations naming one. */
  plan_text: z.string().optional(),
  /** The full report's name in the `artifacts` object store. */
  artifact: z.string(),
});
export type AnalysisReport = z.infer<typeof AnalysisReport>;

/** What the planner is asked. */
export const PlanInput = z.object({
  migration_type: MigrationType,
  source_version: z.string(),
  target_version: z.string(),
  by_api: z.record(z.string(), z.number().int()),
  /** A custom plan inline, or the text of the plan file. */
  plan: z.union([MigrationPlan, z.string()]).optional(),
});
export type PlanInput = z.infer<typeof PlanInput>;

/** What the coder applies: one step, one commit on `branch` whose parent is `parent_sha`. */
export const StepInput = z.object({
  repo: z.string().min(1),
  /** The branch the migration started from (the worktree's starting point). */
  base: z.string().min(1),
  branch: z.string().min(1),
  parent_sha: z.string().min(1),
  step: PlanStep,
  /** `migration(<id>)` subjects carry the step's number: `step 2/5`. */
  index: z.number().int().positive(),
  total: z.number().int().positive(),
});
export type StepInput = z.infer<typeof StepInput>;

/** What one step did. */
export const StepOutput = z.object({
  step_id: z.string(),
  commit_sha: z.string(),
  parent_sha: z.string(),
  files_changed: z.array(z.string()),
  /** Rewrites per codemod. */
  changes: z.record(z.string(), z.number().int().nonnegative()),
  leftovers: z.array(ApiUse),
  /** True when the codemods changed nothing (the commit is then empty, kept for the history). */
  empty: z.boolean(),
  /** True when the leftovers were handed to the coder's model (they stay listed, for review). */
  handed_to_model: z.boolean().optional(),
  /** Files the model changed, in the same commit. */
  model_files: z.array(z.string()).optional(),
  /** What the model's requests cost (the workflow's budget counts it). */
  usage: Usage.optional(),
  /** The model's transcript in the `artifacts` store. */
  transcript: z.string().optional(),
});
export type StepOutput = z.infer<typeof StepOutput>;

/** Undo one step with a revert commit on the branch (the branch's tip must be `onto`). */
export const RevertStepInput = z.object({
  repo: z.string().min(1),
  base: z.string().min(1),
  branch: z.string().min(1),
  step_id: z.string(),
  commit_sha: z.string().min(1),
  /** The commit the revert goes on: the last completed step's, or the previous revert's. */
  onto: z.string().min(1),
  /** The branch tip to replace when it is not `onto` (the failed step's commit, dropped). */
  replaces: z.string().min(1).optional(),
});
export type RevertStepInput = z.infer<typeof RevertStepInput>;
export const RevertStepOutput = z.object({ revert_sha: z.string(), tree: z.string() });
export type RevertStepOutput = z.infer<typeof RevertStepOutput>;

/** Type-check or compile the repository at `head_sha` (of `branch`), dependencies installed. */
export const CompileInput = z.object({
  repo: z.string().min(1),
  branch: z.string().min(1),
  head_sha: z.string().min(1),
  timeout_ms: z.number().int().positive(),
});
export type CompileInput = z.infer<typeof CompileInput>;
/** What the compile found; `declared` is false when the project has no type check or compile. */
export const CompileOutput = z.object({
  declared: z.boolean(),
  command: z.string().optional(),
  passed: z.boolean(),
  exit_code: z.number().int().nullable(),
  tail: z.string(),
});
export type CompileOutput = z.infer<typeof CompileOutput>;

/** One row of the result and of the PR's report. */
export const StepResult = z.object({
  step_id: z.string(),
  success: z.boolean(),
  files_changed: z.array(z.string()),
  changes: z.record(z.string(), z.number().int()),
  leftovers: z.array(ApiUse),
  /** The validation after the step: `12/12 passed`, or null when none ran. */
  tests: z.string().nullable(),
  /** The type check or compile after the step: `tsc --noEmit passed`, or null when none ran or the project has none. */
  compile: z.string().nullable(),
  commit_sha: z.string().nullable(),
  reverted: z.boolean(),
  error: z.string().optional(),
});
export type StepResult = z.infer<typeof StepResult>;

/** The result: the seed's MigrationResult, with the analysis, the branch and the rollback. */
export const MigrationResult = z.object({
  plan_name: z.string(),
  total_steps: z.number().int(),
  completed_steps: z.number().int(),
  failed_steps: z.number().int(),
  step_results: z.array(StepResult),
  final_pr_url: z.string().nullable(),
  rollback_performed: z.boolean(),
  duration_minutes: z.number(),
  branch: z.string(),
  /** After a rollback: whether the branch's tree equals the starting commit's tree. */
  tree_restored: z.boolean().nullable(),
  analysis: z.string(),
  error: z.string().optional(),
});
export type MigrationResult = z.infer<typeof MigrationResult>;

/** The contracts of code-migration. */
export const MigrationTasks = {
  analyze: defineTask({ role: "architect", kind: "migration.analyze", input: AnalyzeInput, output: AnalysisReport }),
  plan: defineTask({ role: "planner", kind: "migration.plan", input: PlanInput, output: MigrationPlan }),
  step: defineTask({ role: "coder", kind: "migration.step", input: StepInput, output: StepOutput }),
  revert: defineTask({
    role: "coder",
    kind: "migration.revert",
    input: RevertStepInput,
    output: RevertStepOutput,
  }),
  openPr: defineTask({ role: "merger", kind: "migration.open-pr", input: OpenPrInput, output: ForgeRef }),
  compile: defineTask({ role: "checker", kind: "migration.compile", input: CompileInput, output: CompileOutput }),
};
