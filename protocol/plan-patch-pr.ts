/**
 * The plan-patch-pr workflow's contracts: its input, the architect's design, the planner's
 * issues, the merger's integration of task branches into the feature branch (and the coder's
 * resolution of a conflict), the cleanup of a failed run, and the result (the seed's PRResult,
 * snake_case). The coders' tasks are `code.patch` (protocol/code-patch.ts); the gate is the
 * `quality-gate` workflow, started as a child.
 */
import { z } from "zod";
import { defineTask } from "./contract.ts";
import { ForgeRef, MergeInput, MergeOutput, OpenPrInput } from "./incident-swarm.ts";
import { Budget, Usage } from "./usage.ts";

/** Input of `workflow.start.plan-patch-pr`. */
export const PlanPatchInput = z.object({
  /** A git URL or path the roles can clone. */
  repo: z.string().min(1),
  /** What to build or fix, in plain words. */
  requirement: z.string().min(1).max(20_000),
  base: z.string().min(1).default("main"),
  auto_merge: z.boolean().default(false),
  require_approval: z.boolean().default(false),
  /** How long the PR waits for `approve` (or `reject`) when `require_approval` is set. */
  approval_timeout_ms: z.number().int().min(1_000).default(86_400_000),
  max_parallel_coders: z.number().int().min(1).max(16).default(4),
  budget: Budget.optional(),
  /** Keep the branches and the PR of a run that failed (default: closed and deleted). */
  keep_on_failure: z.boolean().default(false),
  /** Model requests per coder task at most. */
  max_steps: z.number().int().min(1).max(200).default(30),
});
export type PlanPatchInput = z.infer<typeof PlanPatchInput>;

/** Feature or bugfix: decides the branch prefix and the PR label. */
export const ChangeKind = z.enum(["feature", "bugfix"]);
export type ChangeKind = z.infer<typeof ChangeKind>;

/** One component of the design. */
export const DesignComponent = z.object({
  name: z.string().min(1),
  description: z.string(),
  /** Repository-relative paths it creates or changes. */
  files: z.array(z.string()),
});

/** The architect's design document. */
export const Design = z.object({
  kind: ChangeKind,
  /** A short title, e.g. `Add user profile page`. */
  title: z.string().min(1),
  architecture: z.string(),
  components: z.array(DesignComponent).min(1),
  dependencies: z.array(z.string()),
  file_structure: z.array(z.string()),
  test_strategy: z.string(),
});
export type Design = z.infer<typeof Design>;

/** What the architect is asked. */
export const DesignInput = z.object({
  repo: z.string().min(1),
  base: z.string().min(1),
  requirement: z.string().min(1),
  /** Tokens the repository map may take in the prompt. */
  map_tokens: z.number().int().positive().default(4_000),
});
export type DesignInput = z.infer<typeof DesignInput>;

/** The architect's answer: the design, the repository map's size, the usage, the artifact. */
export const DesignOutput = z.object({
  design: Design,
  base_sha: z.string(),
  /** Files in the repository map given to the model, and its estimated tokens. */
  map_files: z.number().int().nonnegative(),
  map_tokens: z.number().int().nonnegative(),
  usage: Usage,
  /** The design's name in the `artifacts` store. */
  artifact: z.string(),
});
export type DesignOutput = z.infer<typeof DesignOutput>;

/** One issue of the plan. */
export const PlanIssue = z.object({
  /** Lower-case letters, digits and `-`: names the task branch. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/),
  title: z.string().min(1),
  description: z.string(),
  component: z.string(),
  files_to_modify: z.array(z.string()),
  /** Ids of the issues that must be merged first. */
  dependencies: z.array(z.string()),
  estimated_complexity: z.enum(["low", "medium", "high"]),
});
export type PlanIssue = z.infer<typeof PlanIssue>;

/** What the planner is asked; `previous_error` is set on the one retry after a bad plan. */
export const IssuesInput = z.object({
  requirement: z.string().min(1),
  design: Design,
  previous_error: z.string().optional(),
});
export type IssuesInput = z.infer<typeof IssuesInput>;

/** The planner's answer. The decider checks that the dependencies form a DAG. */
export const IssuesOutput = z.object({
  issues: z.array(PlanIssue).min(1).max(20),
  usage: Usage,
});
export type IssuesOutput = z.infer<typeof IssuesOutput>;

/** Merge one task branch into the feature branch (created from `base` when it does not exist). */
export const IntegrateInput = z.object({
  repo: z.string().min(1),
  base: z.string().min(1),
  feature_branch: z.string().min(1),
  /** The feature branch's tip the merge goes on (absent for the first merge: the base). */
  feature_sha: z.string().optional(),
  issue_id: z.string(),
  task_branch: z.string().min(1),
  task_sha: z.string().min(1),
});
export type IntegrateInput = z.infer<typeof IntegrateInput>;

/** One conflicting file: its path and the conflict's text (with the markers). */
export const ConflictFile = z.object({ path: z.string(), hunks: z.string() });
export type ConflictFile = z.infer<typeof ConflictFile>;

/** The merge, or the conflict that stopped it (nothing is pushed then). */
export const IntegrateOutput = z.discriminatedUnion("status", [
  z.object({ status: z.literal("merged"), feature_sha: z.string(), files: z.array(z.string()) }),
  z.object({ status: z.literal("conflict"), files: z.array(ConflictFile).min(1) }),
]);
export type IntegrateOutput = z.infer<typeof IntegrateOutput>;

/** A coder resolves a conflicting merge of a task branch into the feature branch. */
export const ResolveConflictInput = IntegrateInput.extend({
  conflicts: z.array(ConflictFile).min(1),
  requirement: z.string(),
  max_steps: z.number().int().min(1).max(200),
});
export type ResolveConflictInput = z.infer<typeof ResolveConflictInput>;
export const ResolveConflictOutput = z.object({
  feature_sha: z.string(),
  files: z.array(z.string()),
  usage: Usage,
  transcript: z.string(),
});
export type ResolveConflictOutput = z.infer<typeof ResolveConflictOutput>;

/**
 * Close the PR (the one named, else the open ones whose head is one of the branches) and
 * delete the run's branches (compensation of a failed run).
 */
export const CleanupInput = z.object({
  repo: z.string().min(1),
  branches: z.array(z.string().min(1)),
  pr_number: z.number().int().positive().optional(),
  reason: z.string(),
});
export const CleanupOutput = z.object({ deleted: z.array(z.string()), closed_pr: z.boolean() });

/** The gate's figures in the result. */
export const TestResults = z.object({ passed: z.boolean(), total: z.number().int(), coverage: z.number().nullable() });

/** The result: the seed's PRResult, with the design, the issues, the usage and the gate's id. */
export const PlanPatchResult = z.object({
  pr_number: z.number().int().nullable(),
  pr_url: z.string().nullable(),
  branch_name: z.string(),
  files_changed: z.array(z.string()),
  test_results: TestResults,
  qa_score: z.number(),
  merged: z.boolean(),
  merge_commit_sha: z.string().nullable(),
  /** Why it was not merged: `auto_merge is off`, `rejected: …`, `approval timed out`, `the gate …`. */
  not_merged_reason: z.string().optional(),
  design: Design,
  issues: z.array(PlanIssue.extend({ commit_sha: z.string().nullable() })),
  usage: Usage,
  gate_workflow_id: z.string().nullable(),
});
export type PlanPatchResult = z.infer<typeof PlanPatchResult>;

/** The contracts of plan-patch-pr (the coders' `code.patch` is CodePatchTasks.patch). */
export const PlanPatchTasks = {
  design: defineTask({ role: "architect", kind: "plan.design", input: DesignInput, output: DesignOutput }),
  issues: defineTask({ role: "planner", kind: "plan.issues", input: IssuesInput, output: IssuesOutput }),
  integrate: defineTask({ role: "merger", kind: "plan.integrate", input: IntegrateInput, output: IntegrateOutput }),
  resolve: defineTask({
    role: "coder",
    kind: "plan.resolve-conflict",
    input: ResolveConflictInput,
    output: ResolveConflictOutput,
  }),
  openPr: defineTask({ role: "merger", kind: "plan.open-pr", input: OpenPrInput, output: ForgeRef }),
  merge: defineTask({ role: "merger", kind: "plan.merge", input: MergeInput, output: MergeOutput }),
  cleanup: defineTask({ role: "merger", kind: "plan.cleanup", input: CleanupInput, output: CleanupOutput }),
};
