/**
 * Worktrees a killed task left behind. Every task worktree is locked with its owner
 * (`patchbay <host> <pid>`); before a task checks out a branch, worktrees whose owner process
 * on this host is gone are removed, so a branch they held is free again. A branch held by a
 * live task is not taken from it.
 */
import { hostname } from "node:os";
import type { SimpleGit } from "simple-git";

/** The lock reason that names this process as a worktree's owner. */
export function ownerReason(): string {
  return `patchbay ${hostname()} ${process.pid}`;
}

interface WorktreeEntry {
  dir: string;
  branch?: string;
  lockedBy?: string;
}

/** `git worktree list --porcelain`, without the main worktree. */
async function worktrees(git: SimpleGit): Promise<WorktreeEntry[]> {
  const text = await git.raw(["worktree", "list", "--porcelain"]);
  const entries = text.split("\n\n").map((block) => {
    const lines = block.split("\n");
    const field = (name: string) => lines.find((l) => l === name || l.startsWith(`${name} `))?.slice(name.length + 1);
    const branch = field("branch")?.replace(/^refs\/heads\//, "");
    const lockedBy = field("locked");
    return {
      dir: field("worktree") ?? "",
      ...(branch ? { branch } : {}),
      ...(lockedBy !== undefined ? { lockedBy } : {}),
    };
  });
  return entries.slice(1).filter((e) => e.dir);
}

/** Whether the owner a lock reason names is a process of this host that no longer exists. */
function ownerGone(reason: string | undefined): boolean {
  const m = /^patchbay (\S+) (\d+)$/.exec(reason ?? "");
  if (!m || m[1] !== hostname()) return false;
  try {
    process.kill(Number(m[2]), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Removes worktrees of dead owners, and an unowned one that holds `branch` (left by a version
 * that did not lock its worktrees). Call it under the repository's cache lock.
 */
export async function removeStaleWorktrees(
  git: SimpleGit,
  branch: string | undefined,
  warn: (message: string) => void,
): Promise<void> {
  for (const entry of await worktrees(git)) {
    const legacyHolder = branch !== undefined && entry.branch === branch && !entry.lockedBy;
    if (!ownerGone(entry.lockedBy) && !legacyHolder) continue;
    warn(
      `removing worktree ${entry.dir} left by a task that is gone${entry.branch ? ` (it held ${entry.branch})` : ""}`,
    );
    await git.raw(["worktree", "remove", "--force", "--force", entry.dir]);
  }
  await git.raw(["worktree", "prune"]);
}
