/**
 * Finding the commit a task already made: every commit patchbay makes for a task carries the
 * task's key as a trailer (`Patchbay-Task: <idempotency key>`), so a redelivered task looks for
 * it on the remote branch and answers from it instead of committing again.
 */
import type { SimpleGit } from "simple-git";

/** The trailer tying a commit to the task that made it. */
export const taskTrailer = (key: string) => `Patchbay-Task: ${key}`;

/** The remote branch's tip, fetched into the worktree, or undefined when the branch does not exist. */
export async function fetchBranch(git: SimpleGit, branch: string): Promise<string | undefined> {
  const line = await git.raw(["ls-remote", "origin", `refs/heads/${branch}`]).catch(() => "");
  const tip = line.split(/\s/)[0];
  if (!tip) return undefined;
  await git.raw(["fetch", "--quiet", "origin", `+refs/heads/${branch}:refs/remotes/origin/${branch}`]);
  return tip;
}

/** The commit on `tip`'s first-parent line (last 200) that carries the task's key, with its first parent. */
export async function commitOfTask(
  git: SimpleGit,
  tip: string | undefined,
  key: string,
): Promise<{ sha: string; parent: string } | undefined> {
  if (tip === undefined) return undefined;
  const log = await git.raw(["log", "--first-parent", "-n", "200", "--format=%H %P%x00%B%x1e", tip]);
  const trailer = taskTrailer(key);
  const entry = log
    .split("\x1e")
    .map((record) => record.trim().split("\0"))
    .find(([, body]) => body?.split("\n").some((l) => l.trim() === trailer));
  if (entry === undefined) return undefined;
  const [sha, parent] = entry[0].split(" ");
  return { sha, parent };
}

/** The files that differ between two commits. */
export async function changedFiles(git: SimpleGit, from: string, to: string): Promise<string[]> {
  const out = await git.raw(["diff", "--name-only", "-z", from, to]);
  return out.split("\0").filter(Boolean).sort();
}
