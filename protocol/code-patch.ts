/**
 * The `code-patch` workflow and its coder task: a coding agent (infra/llm/agent.ts) changes a
 * repository as instructed, on a new branch, runs the repository's tests, and makes one
 * commit. plan-patch-pr runs one such task per issue; users can run one alone.
 */
import { z } from "zod";
import { defineTask } from "./contract.ts";
import { Budget, Usage } from "./usage.ts";

/** Start input of `code-patch`. */
export const CodePatchInput = z.object({
  /** A git URL or path the coder can clone. */
  repo: z.string().min(1),
  /** The branch the change starts from. */
  base: z.string().min(1).default("main"),
  /** The branch to create (default `patchbay/patch-<workflow id>`). */
  branch: z.string().min(1).optional(),
  /** What to change, in plain words. */
  instructions: z.string().min(1),
  /** The command (argv) that runs the repository's tests; default: its `test` script or runner. */
  test_command: z.array(z.string().min(1)).min(1).optional(),
  /** Model requests at most. */
  max_steps: z.number().int().min(1).max(200).default(30),
  /** The workflow's model budget. */
  budget: Budget.optional(),
  /** Start-to-close time of the coder task (ms). */
  timeout_ms: z.number().int().min(1_000).default(1_800_000),
});
export type CodePatchInput = z.infer<typeof CodePatchInput>;

/** What the coder's patch task is asked. */
export const PatchTaskInput = z.object({
  repo: z.string().min(1),
  base: z.string().min(1),
  branch: z.string().min(1),
  instructions: z.string().min(1),
  test_command: z.array(z.string().min(1)).min(1).optional(),
  max_steps: z.number().int().min(1).max(200),
});
export type PatchTaskInput = z.infer<typeof PatchTaskInput>;

/** The test run after the change. */
export const PatchTests = z.object({
  command: z.string(),
  exit_code: z.number().int().nullable(),
  passed: z.boolean(),
  /** The output's last lines. */
  tail: z.string(),
});

/** What the patch task reports (also the workflow's result). */
export const PatchOutput = z.object({
  branch: z.string(),
  base_sha: z.string(),
  commit_sha: z.string(),
  files_changed: z.array(z.string()),
  tests: PatchTests.nullable(),
  /** The model's closing answer. */
  summary: z.string(),
  steps: z.number().int().nonnegative(),
  usage: Usage,
  /** The transcript's name in the `artifacts` object store. */
  transcript: z.string(),
});
export type PatchOutput = z.infer<typeof PatchOutput>;

/** The contracts of `code-patch`. */
export const CodePatchTasks = {
  patch: defineTask({ role: "coder", kind: "code.patch", input: PatchTaskInput, output: PatchOutput }),
};
