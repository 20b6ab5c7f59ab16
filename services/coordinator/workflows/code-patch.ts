/**
 * `code-patch`: one coder task runs the coding agent on a new branch of the repository and
 * makes one commit; the workflow's result is that task's output (branch, commit, files,
 * tests, usage, transcript). It fails with the task's error (AGENT_LOOP, BUDGET_EXCEEDED,
 * TESTS_FAILED, a model error); nothing is committed then.
 */
import { CodePatchInput, CodePatchTasks, type PatchOutput } from "../../../protocol/code-patch.ts";
import type { ErrorInfo } from "../../../protocol/errors.ts";
import { dispatch, type Command, type Workflow, type WorkflowEvent } from "../decider.ts";

type PatchTask = (typeof CodePatchTasks)[keyof typeof CodePatchTasks];

/** State: the input, and the task's result or error once it is back. */
export interface CodePatchState {
  input: CodePatchInput;
  id: string;
  result?: PatchOutput;
  error?: ErrorInfo;
}

function evolve(state: CodePatchState, event: WorkflowEvent<PatchTask>): CodePatchState {
  if (event.type === "task.completed") return { ...state, result: event.output };
  if (event.type === "task.failed") return { ...state, error: event.error };
  return state;
}

function decide(state: CodePatchState, event: WorkflowEvent<PatchTask>): Command<PatchTask>[] {
  const { input } = state;
  if (event.type === "started") {
    const task = {
      repo: input.repo,
      base: input.base,
      branch: input.branch ?? `patchbay/patch-${state.id}`,
      instructions: input.instructions,
      max_steps: input.max_steps,
      ...(input.test_command ? { test_command: input.test_command } : {}),
    };
    return [dispatch(CodePatchTasks.patch, "patch", task, { timeout_ms: input.timeout_ms, max_attempts: 2 })];
  }
  if (state.error) return [{ type: "fail", error: state.error }];
  if (state.result) return [{ type: "complete", result: state.result }];
  return [];
}

/** The code-patch workflow. */
export const codePatch: Workflow<CodePatchInput, CodePatchState, PatchTask> = {
  type: "code-patch",
  version: 1,
  input: CodePatchInput,
  tasks: [CodePatchTasks.patch],
  initial: (input, ctx) => ({ input, id: ctx.id }),
  evolve,
  decide,
};
