/**
 * Merging a task branch into a feature branch (plan-patch-pr's integration), in a worktree
 * detached at the base: the feature branch's tip (or the base, for a new feature branch), a
 * `--no-ff` merge of the task's commit whose message carries the task's key, the conflict's
 * files with their hunks when git cannot merge, and the push of the feature branch with a
 * lease on the tip the merge went on. The merger's `plan.integrate` and the coder's
 * `plan.resolve-conflict` both run it.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { SimpleGit } from "simple-git";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import { conflictHunks } from "./conflicts.ts";
import { gitFailure } from "./git-errors.ts";
import { changedFiles, commitOfTask, fetchBranch, taskTrailer } from "./task-commit.ts";
import { pushBranch } from "./workspace.ts";

/** Which task branch goes into which feature branch. */
export interface Integration {
  base: string;
  feature_branch: string;
  /** The feature branch's tip the merge goes on; absent for a new feature branch. */
  feature_sha?: string;
  issue_id: string;
  task_branch: string;
  task_sha: string;
}

/** One conflicting file and its conflict regions. */
export interface ConflictedFile {
  path: string;
  hunks: string;
}

/** Where a merge went on: the tip, and the lease of the push (`""`: the branch must not exist yet). */
export interface MergeStart {
  start: string;
  expect: string;
}

/** A merge made (`sha` is the start itself when the task's commit was in already), or its conflict. */
export type MergeResult = { status: "merged"; sha: string } | { status: "conflict"; files: ConflictedFile[] };

/** The merge commit's message: `Merge issue <id>: <branch>`, then the task's key trailer. */
export function mergeMessage(integration: Integration, key: string, detail?: string): string[] {
  const subject = `Merge issue ${integration.issue_id}: ${integration.task_branch}`;
  return [subject, ...(detail === undefined ? [] : [detail]), taskTrailer(key)];
}

/** The merge commit an earlier delivery of the task pushed (it carries the key), and the files it changed. */
export async function earlierMerge(
  git: SimpleGit,
  integration: Integration,
  key: string,
): Promise<{ sha: string; files: string[] } | undefined> {
  const found = await commitOfTask(git, await fetchBranch(git, integration.feature_branch), key);
  if (found === undefined) return undefined;
  return { sha: found.sha, files: await changedFiles(git, found.parent, found.sha) };
}

/**
 * Moves the worktree (detached at the base) to where the merge goes on: `feature_sha`, or the
 * base when the feature branch is new. A feature branch that exists while no `feature_sha` is
 * given is refused (BRANCH_EXISTS): it belongs to another run, and is not overwritten.
 */
export async function checkoutStart(git: SimpleGit, integration: Integration): Promise<MergeStart> {
  const tip = await fetchBranch(git, integration.feature_branch);
  if (integration.feature_sha === undefined) {
    if (tip !== undefined)
      throw new TerminalError(
        ErrorCode.BranchExists,
        `${integration.feature_branch} already exists (at ${tip.slice(0, 12)}) and no feature_sha was given`,
      );
    return { start: (await git.revparse(["HEAD"])).trim(), expect: "" };
  }
  await requireCommit(git, integration.feature_sha, `feature_sha of ${integration.feature_branch}`);
  await git.raw(["checkout", "--quiet", "--detach", integration.feature_sha]);
  return { start: integration.feature_sha, expect: integration.feature_sha };
}

/** Fetches the task branch and merges its commit with `--no-ff`; a conflict is left in the worktree. */
export async function mergeTask(
  git: SimpleGit,
  dir: string,
  integration: Integration,
  message: string[],
): Promise<MergeResult> {
  await fetchBranch(git, integration.task_branch);
  await requireCommit(git, integration.task_sha, `task_sha of ${integration.task_branch}`);
  let failure: unknown;
  const args = ["merge", "--no-ff", "--no-edit", ...message.flatMap((p) => ["-m", p]), integration.task_sha];
  await git.raw(args).catch((err: unknown) => (failure = err));
  const unmerged = await unmergedFiles(git);
  if (unmerged.length > 0)
    return { status: "conflict", files: await Promise.all(unmerged.map((p) => conflictOf(dir, p))) };
  if (failure !== undefined)
    throw gitFailure(failure, `merging ${integration.task_branch} into ${integration.feature_branch}`);
  return { status: "merged", sha: (await git.revparse(["HEAD"])).trim() };
}

/** The paths git left unmerged. */
export async function unmergedFiles(git: SimpleGit): Promise<string[]> {
  const out = await git.raw(["diff", "--name-only", "--diff-filter=U", "-z"]);
  return out.split("\0").filter(Boolean).sort();
}

/**
 * Pushes HEAD to the feature branch with the lease of `start`. A feature branch that is no
 * longer where the merge went on is TerminalError BRANCH_MOVED: nothing is pushed over it.
 */
export async function pushFeature(git: SimpleGit, integration: Integration, start: MergeStart): Promise<void> {
  try {
    await pushBranch(git, "origin", integration.feature_branch, { from: "HEAD", expect: start.expect });
  } catch (err) {
    const line = await git.raw(["ls-remote", "origin", `refs/heads/${integration.feature_branch}`]).catch(() => "");
    const tip = line.split(/\s/)[0] ?? "";
    if (tip === start.expect) throw err;
    const was = start.expect === "" ? "did not exist" : `was at ${start.expect.slice(0, 12)}`;
    throw new TerminalError(
      ErrorCode.BranchMoved,
      `${integration.feature_branch} moved (it ${was}, it is at ${tip.slice(0, 12) || "nothing"}): nothing was pushed`,
      { cause: err },
    );
  }
}

async function conflictOf(dir: string, path: string): Promise<ConflictedFile> {
  const text = await readFile(join(dir, path), "utf8").catch(() => undefined);
  const hunks = text === undefined ? "" : conflictHunks(text);
  return {
    path,
    hunks:
      hunks === ""
        ? "(no conflict markers: the file was deleted on one side and changed on the other, or is binary)"
        : hunks,
  };
}

async function requireCommit(git: SimpleGit, sha: string, what: string): Promise<void> {
  const found = await git.raw(["rev-parse", "--verify", "--quiet", `${sha}^{commit}`]).catch(() => "");
  if (found.trim() === "")
    throw new TerminalError(ErrorCode.InvalidInput, `${what} ${JSON.stringify(sha)} is not a commit of the repository`);
}
