/**
 * The merger's `plan.cleanup`, plan-patch-pr's compensation: closes the run's pull request
 * when it is still open and deletes the run's branches that exist. Both are idempotent: a
 * closed or merged pull request is left as it is, a missing branch is skipped. The answer is
 * what this call did: a second cleanup of the same run closes and deletes nothing.
 */
import type { Forge } from "../../infra/forge/types.ts";
import { implement, type TaskBinding } from "../../infra/nats/actor-host.ts";
import type { CleanupInput, CleanupOutput } from "../../protocol/plan-patch-pr.ts";
import { PlanPatchTasks } from "../../protocol/plan-patch-pr.ts";
import type { z } from "zod";

/** What the cleanup needs: the forge. */
export interface CleanupPorts {
  forge: Forge;
}

/** The key of the comment saying why the pull request was closed (written once). */
const CLEANUP_COMMENT_KEY = "patchbay/cleanup";

/** The open PRs to close: the one named, else those whose head is one of the branches. */
async function prsToClose(ports: CleanupPorts, input: z.infer<typeof CleanupInput>): Promise<number[]> {
  if (input.pr_number !== undefined) {
    const pr = await ports.forge.getPullRequest(input.repo, input.pr_number);
    return pr?.state === "open" ? [pr.number] : [];
  }
  const heads = new Set(input.branches);
  const prs = await ports.forge.listPullRequests(input.repo);
  return prs.filter((pr) => pr.state === "open" && heads.has(pr.head)).map((pr) => pr.number);
}

/** Closes the PR (when open) and deletes the branches; answers what it did. */
export async function runCleanup(
  ports: CleanupPorts,
  input: z.infer<typeof CleanupInput>,
  ctx: { assertCurrent(): Promise<void> },
): Promise<z.infer<typeof CleanupOutput>> {
  await ctx.assertCurrent();
  let closed = false;
  for (const number of await prsToClose(ports, input)) {
    const comment = { key: CLEANUP_COMMENT_KEY, body: `Closed by patchbay: ${input.reason}` };
    await ports.forge.upsertComment(input.repo, number, comment);
    closed = (await ports.forge.closePullRequest(input.repo, number)).state === "closed" || closed;
  }
  const deleted: string[] = [];
  for (const branch of new Set(input.branches)) {
    if (await ports.forge.deleteBranch(input.repo, branch)) deleted.push(branch);
  }
  return { deleted, closed_pr: closed };
}

/** `plan.cleanup`, bound to its contract. */
export function cleanupBinding(ports: CleanupPorts): TaskBinding {
  return implement(PlanPatchTasks.cleanup, (input, ctx) => runCleanup(ports, input, ctx));
}
