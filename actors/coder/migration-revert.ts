/**
 * The coder's `migration.revert` task: one completed step undone with a revert commit on the
 * migration branch, on top of `onto` (the last completed step, or the previous revert). The
 * first revert of a rollback may replace a branch tip holding the failed step's commit
 * (`replaces`), which is then dropped from the branch. A redelivered task finds its revert
 * on the branch by its key and reports it again.
 */
import { pushBranch } from "../../infra/git/index.ts";
import type { RevertStepInput, RevertStepOutput } from "../../protocol/code-migration.ts";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import { commitOfTask, fetchBranch, taskTrailer } from "./migration-branch.ts";
import type { BranchTask, MigrationPorts } from "./migration-step.ts";

/** Reverts `input.commit_sha` on `input.branch`. */
export async function runMigrationRevert(
  ports: MigrationPorts,
  input: RevertStepInput,
  task: BranchTask,
): Promise<RevertStepOutput> {
  const repo = await ports.workspaces.ensureClone(input.repo);
  return ports.workspaces.withWorktree(repo, { ref: input.base }, async (_dir, git) => {
    const tip = await fetchBranch(git, input.branch);
    const earlier = await commitOfTask(git, tip, task.idempotencyKey);
    if (earlier !== undefined) {
      return { revert_sha: earlier.sha, tree: (await git.revparse([`${earlier.sha}^{tree}`])).trim() };
    }
    if (tip !== input.onto && tip !== input.replaces) {
      throw new TerminalError(
        ErrorCode.BranchMoved,
        `${input.branch} is at ${tip ?? "nothing"}, expected ${input.onto}`,
      );
    }
    await git.raw(["checkout", "--quiet", "--detach", input.onto]);
    await git.raw(["revert", "--no-commit", input.commit_sha]);
    const subject = `revert migration(${input.step_id})`;
    const body = `This reverts commit ${input.commit_sha}: the migration failed and is rolled back.`;
    await git.raw([
      "commit",
      "--quiet",
      "--allow-empty",
      "-m",
      subject,
      "-m",
      body,
      "-m",
      taskTrailer(task.idempotencyKey),
    ]);
    const sha = (await git.revparse(["HEAD"])).trim();
    await task.assertCurrent();
    await pushBranch(git, "origin", input.branch, { from: "HEAD", ...(tip === input.onto ? {} : { expect: tip }) });
    ports.log(`reverted migration(${input.step_id}) on ${input.branch}: ${sha.slice(0, 8)}`);
    return { revert_sha: sha, tree: (await git.revparse(["HEAD^{tree}"])).trim() };
  });
}
