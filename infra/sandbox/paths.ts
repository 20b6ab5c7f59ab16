/**
 * Keeping paths inside a worktree: {@link resolveInside} refuses absolute paths, `..`
 * escapes and symlinks that lead outside the root; {@link assertPatchPathsInside} applies
 * it to every path a unified diff names, and refuses paths into `.git`.
 */
import { lstat, realpath } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import { patchPaths } from "./diff-paths.ts";

export { patchPaths } from "./diff-paths.ts";

function escape(relPath: string, why: string): TerminalError {
  return new TerminalError(ErrorCode.PathEscape, `path ${JSON.stringify(relPath)} ${why}`);
}

/** Whether `path` is `root` or lies below it (both absolute and normalised). */
export function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * Resolves `relPath` against `root` and returns the real absolute path, which may not exist
 * yet (a file a patch creates). Throws TerminalError PATH_ESCAPE for an absolute path, a
 * path that climbs out with `..`, or one that passes through a symlink pointing outside.
 */
export async function resolveInside(root: string, relPath: string): Promise<string> {
  if (relPath === "" || relPath.includes("\0")) {
    throw new TerminalError(ErrorCode.InvalidInput, `path ${JSON.stringify(relPath)} is empty or contains NUL`);
  }
  if (isAbsolute(relPath) || /^[a-zA-Z]:[\\/]/.test(relPath) || relPath.startsWith("\\")) {
    throw escape(relPath, "is absolute; only paths relative to the worktree are allowed");
  }
  const realRoot = await realpath(root).catch((err: unknown) => {
    throw new TerminalError(ErrorCode.InvalidInput, `root ${root} does not exist`, { cause: err });
  });
  const target = resolve(realRoot, relPath);
  if (!isWithin(realRoot, target)) throw escape(relPath, `climbs out of ${root}`);
  const real = await realpathOfExistingPart(realRoot, target, relPath);
  if (!isWithin(realRoot, real)) throw escape(relPath, `leads through a symlink to ${real}, outside ${root}`);
  return real;
}

/** realpath of the deepest existing ancestor of `target`, with the missing rest appended. */
async function realpathOfExistingPart(realRoot: string, target: string, relPath: string): Promise<string> {
  const missing: string[] = [];
  let current = target;
  for (;;) {
    try {
      return join(await realpath(current), ...missing);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") throw err;
    }
    const info = await lstat(current).catch(() => undefined);
    if (info?.isSymbolicLink()) throw escape(relPath, "passes through a dangling symlink");
    if (current === realRoot) return join(realRoot, ...missing);
    missing.unshift(basename(current));
    current = dirname(current);
  }
}

/** Whether a repository-relative path names `.git` or something inside it, at any depth. */
function touchesGitDir(relPath: string): boolean {
  return relPath.split(/[\\/]/).some((part) => part.toLowerCase() === ".git");
}

/**
 * Checks every path named in a unified diff (old and new names, renames, copies) with
 * {@link resolveInside}, both with and without its first component (as `git apply -p1`
 * would strip it). Also refuses paths into `.git`: a worktree's `.git` file says where its
 * repository lives, and rewriting it would point later git commands elsewhere.
 * Returns the paths, relative to the root, with `a/` and `b/` prefixes removed.
 */
export async function assertPatchPathsInside(root: string, unifiedDiffText: string): Promise<string[]> {
  const found = patchPaths(unifiedDiffText);
  if (found.length === 0) {
    throw new TerminalError(ErrorCode.InvalidInput, "patch names no file paths; is it a unified diff?");
  }
  for (const { path, raw } of found) {
    for (const candidate of new Set([path, raw, stripFirstComponent(raw)])) {
      if (candidate === "") continue;
      if (touchesGitDir(candidate)) throw escape(candidate, "is inside .git");
      await resolveInside(root, candidate);
    }
  }
  return [...new Set(found.map((p) => p.path))];
}

function stripFirstComponent(path: string): string {
  const slash = path.indexOf("/");
  return slash === -1 ? "" : path.slice(slash + 1);
}
