/**
 * incident-swarm's `incident.revert`: a merged hotfix undone by one revert commit on
 * `patchbay/revert-<alert id>` from base (`git revert -m 1` for a merge commit), pushed, and a
 * pull request labelled `rollback` opened and merged at once. On redelivery the branch, its
 * pull request and its merge are each found again instead of made twice.
 */
import type { SimpleGit } from "simple-git";
import { implement, type TaskBinding, type TaskContext } from "../../infra/nats/actor-host.ts";
import type { Forge, PullRequest } from "../../infra/forge/types.ts";
import { pushBranch, type CachedRepo, type Workspaces } from "../../infra/git/index.ts";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import type { TaskParsedInput } from "../../protocol/contract.ts";
import { IncidentTasks } from "../../protocol/incident-swarm.ts";
import { taskMarker } from "./incident-forge.ts";
import { assertAlertId } from "./postmortem.ts";

type RevertInput = TaskParsedInput<typeof IncidentTasks.revert>;

/** What the revert task needs. */
export interface RevertPorts {
  forge: Forge;
  workspaces: Workspaces;
}

/** The label of a rollback pull request. */
export const ROLLBACK_LABEL = "rollback";

/** The branch of an alert's revert. */
export function revertBranch(alertId: string): string {
  assertAlertId(alertId);
  return `patchbay/revert-${alertId}`;
}

/** `incident.revert`, bound to its contract. */
export function revertBinding(ports: RevertPorts): TaskBinding {
  return implement(IncidentTasks.revert, async (input, ctx) => {
    const branch = revertBranch(input.alert_id);
    const found = (await ports.forge.listPullRequests(input.repo)).find(
      (pr) => pr.head === branch && pr.base === input.base && pr.state !== "closed",
    );
    const pr = found ?? (await openRevertPr(ports, input, branch, ctx));
    if (pr.state === "open") {
      await ctx.assertCurrent();
      await ports.forge.merge(input.repo, pr.number);
    }
    const sha = await ports.forge.branchSha(input.repo, branch);
    if (sha === undefined)
      throw new TerminalError(ErrorCode.BranchNotFound, `${branch} disappeared from ${input.repo}`);
    return { number: pr.number, url: pr.url, revert_commit_sha: sha };
  });
}

/** Pushes the revert commit (unless an earlier delivery did) and opens its pull request. */
async function openRevertPr(
  ports: RevertPorts,
  input: RevertInput,
  branch: string,
  ctx: TaskContext,
): Promise<PullRequest> {
  const repo = await ports.workspaces.ensureClone(input.repo);
  const pushed = await ports.forge.branchSha(input.repo, branch);
  if (pushed === undefined) {
    await ports.workspaces.withWorktree(repo, { ref: input.base, branch }, async (_dir, git) => {
      await revertCommit(git, input, ctx);
      await ctx.assertCurrent();
      await pushBranch(git, "origin", branch, { from: "HEAD" });
    });
  } else if (!(await isRevertOf(ports, repo, branch, input.merge_commit_sha))) {
    throw new TerminalError(
      ErrorCode.InvalidInput,
      `${branch} exists in ${input.repo} and is not a revert of ${input.merge_commit_sha}`,
    );
  }
  return ports.forge.createPullRequest(input.repo, {
    title: `Revert the hotfix of ${input.alert_id}`,
    body: `Reverts ${input.merge_commit_sha}.\n\n${input.reason}`,
    head: branch,
    base: input.base,
    labels: [ROLLBACK_LABEL],
  });
}

/** Whether the tip of `branch` (already pushed) says it reverts `reverted`. */
async function isRevertOf(ports: RevertPorts, repo: CachedRepo, branch: string, reverted: string): Promise<boolean> {
  return ports.workspaces.withWorktree(repo, { ref: branch }, async (_dir, git) =>
    (await git.raw(["log", "-1", "--format=%B"])).includes(`This reverts commit ${reverted}`),
  );
}

/** Reverts `merge_commit_sha` in the worktree as one commit (`-m 1` for a merge), with the reason. */
async function revertCommit(git: SimpleGit, input: RevertInput, ctx: TaskContext): Promise<void> {
  const sha = input.merge_commit_sha;
  const parents = await git.raw(["rev-list", "--parents", "-n", "1", sha]).catch(() => {
    throw new TerminalError(ErrorCode.InvalidInput, `commit ${sha} is not in ${input.repo}`);
  });
  const mainline = parents.trim().split(" ").length > 2 ? ["-m", "1"] : [];
  try {
    await git.raw(["revert", "--no-commit", ...mainline, sha]);
  } catch (err) {
    await git.raw(["revert", "--abort"]).catch(() => undefined);
    throw new TerminalError(ErrorCode.MergeConflict, `reverting ${sha} on ${input.base} conflicts`, { cause: err });
  }
  const staged = await git.raw(["diff", "--cached", "--name-only"]);
  if (staged.trim() === "")
    throw new TerminalError(ErrorCode.NothingToMerge, `reverting ${sha} changes nothing on ${input.base}`);
  const subject = (await git.raw(["log", "-1", "--format=%s", sha])).trim();
  await git.raw([
    "commit",
    "--quiet",
    "-m",
    `Revert "${subject}"`,
    "-m",
    `This reverts commit ${sha}.`,
    ...(input.reason.trim() ? ["-m", input.reason.trim()] : []),
    "-m",
    taskMarker(ctx.idempotencyKey),
  ]);
}
