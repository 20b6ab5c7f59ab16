/**
 * Files of a repository's branches for the gateway's file pages (`/repos/<key>/files/<branch>/<path>`):
 * their URL, and reading one from the cached clone. A branch may contain `/`, so the segments
 * after `files/` are matched against the remote's branches, the longest branch first.
 */
import type { SimpleGit } from "simple-git";

/** A file read from a branch. */
export interface BranchFile {
  branch: string;
  path: string;
  text: string;
}

/** `a/b c` → `a/b%20c`: each segment encoded, the slashes kept. */
export function encodeSegments(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

/** The path of a file's page under a repository's pages: `files/<branch>/<path>`. */
export function filePagePath(branch: string, path: string): string {
  return `files/${encodeSegments(branch)}/${encodeSegments(path)}`;
}

/**
 * The file that `segments` (decoded, after `files/`) name in the clone of `git`: the longest
 * remote branch they start with, then the file's path in it. Undefined when no branch matches,
 * the path leaves the tree, or names no file.
 */
export async function readBranchFile(git: SimpleGit, segments: readonly string[]): Promise<BranchFile | undefined> {
  if (segments.some((s) => s === "" || s === "." || s === "..")) return undefined;
  const listing = await git.raw(["for-each-ref", "--format=%(refname)", "refs/remotes/origin/"]);
  const branches = new Set(listing.split("\n").map((ref) => ref.trim().slice("refs/remotes/origin/".length)));
  for (let cut = segments.length - 1; cut >= 1; cut--) {
    const branch = segments.slice(0, cut).join("/");
    if (!branches.has(branch)) continue;
    const path = segments.slice(cut).join("/");
    const text = await git.raw(["cat-file", "blob", `refs/remotes/origin/${branch}:${path}`]).catch(() => undefined);
    return text === undefined ? undefined : { branch, path, text };
  }
  return undefined;
}
