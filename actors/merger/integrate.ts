/**
 * The merger's `plan.integrate`: merges one task branch into plan-patch-pr's feature branch
 * (created from the base by the first merge) with a `--no-ff` merge commit
 * `Merge issue <id>: <branch>` that carries the task's key (`Patchbay-Task:`), and pushes the
 * feature branch with a lease on the tip the merge went on. A conflict is aborted, nothing is
 * pushed, and the answer lists the conflicting files with their hunks for a coder to resolve.
 * A redelivered task whose merge is already on the feature branch answers it again.
 */
import type { SimpleGit } from "simple-git";
import {
  checkoutStart,
  changedFiles,
  earlierMerge,
  mergeMessage,
  mergeTask,
  pushFeature,
  type MergeStart,
  type Workspaces,
} from "../../infra/git/index.ts";
import { implement, type TaskBinding } from "../../infra/nats/actor-host.ts";
import { PlanPatchTasks, type IntegrateInput, type IntegrateOutput } from "../../protocol/plan-patch-pr.ts";

/** What the integration needs: git. */
export interface IntegratePorts {
  workspaces: Workspaces;
}

/** What it needs of its task: the key its merge carries, and the fence before the push. */
export interface IntegrateTask {
  idempotencyKey: string;
  assertCurrent(): Promise<void>;
}

/** Merges `input.task_sha` into the feature branch, or reports the conflict. */
export async function runIntegrate(
  ports: IntegratePorts,
  input: IntegrateInput,
  task: IntegrateTask,
): Promise<IntegrateOutput> {
  const repo = await ports.workspaces.ensureClone(input.repo);
  return ports.workspaces.withWorktree(repo, { ref: input.base }, async (dir, git) => {
    const earlier = await earlierMerge(git, input, task.idempotencyKey);
    if (earlier !== undefined) return { status: "merged", feature_sha: earlier.sha, files: earlier.files };
    const start = await checkoutStart(git, input);
    const result = await mergeTask(git, dir, input, mergeMessage(input, task.idempotencyKey));
    if (result.status === "conflict") {
      await git.raw(["merge", "--abort"]);
      return result;
    }
    await task.assertCurrent();
    return pushed(git, input, task, start, result.sha);
  });
}

/** Pushes the merge; a push refused because an earlier delivery pushed this task's merge answers that one. */
async function pushed(
  git: SimpleGit,
  input: IntegrateInput,
  task: IntegrateTask,
  start: MergeStart,
  sha: string,
): Promise<IntegrateOutput> {
  try {
    await pushFeature(git, input, start);
  } catch (err) {
    const earlier = await earlierMerge(git, input, task.idempotencyKey);
    if (earlier === undefined) throw err;
    return { status: "merged", feature_sha: earlier.sha, files: earlier.files };
  }
  return { status: "merged", feature_sha: sha, files: await changedFiles(git, start.start, sha) };
}

/** `plan.integrate`, bound to its contract. */
export function integrateBinding(ports: IntegratePorts): TaskBinding {
  return implement(PlanPatchTasks.integrate, (input, ctx) => runIntegrate(ports, input, ctx));
}
