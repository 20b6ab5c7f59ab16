/**
 * The clone cache: one bare clone per repository under `<cacheDir>/repos/`, named after the
 * repository and a hash of its URL, created atomically (built in a temp dir, then renamed)
 * and fetched on every use. Remote branches live under `refs/remotes/origin/*`, so task
 * branches under `refs/heads/*` are never touched by a fetch; tags are mirrored. All
 * changes to a clone happen under its cross-process lock in `<cacheDir>/locks/`.
 */
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, isAbsolute, join, resolve } from "node:path";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import { makeGit } from "./client.ts";
import type { GitContext } from "./client.ts";
import { fetchError, gitFailure } from "./git-errors.ts";
import { withLock } from "./lock.ts";

/** A repository in the cache. */
export interface CachedRepo {
  /** The normalised URL or absolute path it was cloned from (its `origin`). */
  source: string;
  /** The bare clone. */
  dir: string;
  /** `<name>-<hash>`: names the clone, its lock and its worktrees. */
  key: string;
}

/** Where a cache keeps things. */
export interface CacheLayout {
  cacheDir: string;
  lockTimeoutMs: number;
}

/** Lines added to the clone's info/exclude, shared by all its worktrees (sandbox HOME/TMPDIR). */
const EXCLUDES = "/.patchbay-home/\n/.patchbay-tmp/\n";

/**
 * Accepts a URL (`https://…`, `ssh://…`, `file://…`, `git@host:path`) or an absolute path.
 * Relative paths, option-like strings and `transport::address` forms are refused.
 */
export function normalizeSource(input: string): string {
  const source = input.trim();
  if (source === "" || source.startsWith("-") || /^[a-z][a-z0-9+.-]*::/i.test(source)) {
    throw new TerminalError(ErrorCode.InvalidInput, `not a repository URL or absolute path: ${JSON.stringify(input)}`);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source) || /^[\w.-]+@[\w.-]+:/.test(source)) return source.replace(/\/+$/, "");
  if (isAbsolute(source)) return resolve(source);
  throw new TerminalError(
    ErrorCode.InvalidInput,
    `relative repository paths are not accepted: ${JSON.stringify(input)}`,
  );
}

/** `<name>-<first 12 hex of sha256(source)>`. */
export function cacheKey(source: string): string {
  const name =
    basename(source.replace(/\.git$/, ""))
      .replace(/[^A-Za-z0-9._-]/g, "_")
      .slice(0, 40) || "repo";
  return `${name}-${createHash("sha256").update(source).digest("hex").slice(0, 12)}`;
}

/** The lock guarding a cached clone. */
export function cacheLockPath(layout: CacheLayout, key: string): string {
  return join(layout.cacheDir, "locks", `${key}.lock`);
}

/** Clones `repoUrlOrPath` into the cache, or fetches it if already there. */
export async function ensureClone(
  context: GitContext,
  layout: CacheLayout,
  repoUrlOrPath: string,
): Promise<CachedRepo> {
  const source = normalizeSource(repoUrlOrPath);
  const key = cacheKey(source);
  const reposDir = join(layout.cacheDir, "repos");
  const dir = join(reposDir, `${key}.git`);
  await mkdir(reposDir, { recursive: true });
  await mkdir(join(layout.cacheDir, "locks"), { recursive: true });
  return withLock(cacheLockPath(layout, key), { timeoutMs: layout.lockTimeoutMs }, async () => {
    const exists = await stat(dir).then(
      (info) => info.isDirectory(),
      () => false,
    );
    if (exists) await refresh(context, dir, source);
    else await create(context, reposDir, dir, source, key);
    return { source, dir, key };
  });
}

async function create(context: GitContext, reposDir: string, dir: string, source: string, key: string): Promise<void> {
  const temp = await mkdtemp(join(reposDir, `.${key}.tmp-`));
  try {
    const git = makeGit(context, temp);
    try {
      await git.raw(["init", "--quiet", "--bare"]);
      await git.raw(["remote", "add", "origin", source]);
      await git.raw(["config", "--replace-all", "remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/*"]);
      await git.raw(["config", "--add", "remote.origin.fetch", "+refs/tags/*:refs/tags/*"]);
    } catch (err) {
      throw gitFailure(err, `initialising the cache for ${source}`);
    }
    await fetch(context, temp, source);
    await writeFile(join(temp, "info", "exclude"), EXCLUDES);
    await rename(temp, dir);
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    throw err;
  }
}

async function refresh(context: GitContext, dir: string, source: string): Promise<void> {
  const git = makeGit(context, dir);
  const origin = (await git.raw(["config", "--get", "remote.origin.url"]).catch(() => "")).trim();
  if (origin !== source) {
    throw new TerminalError(
      ErrorCode.Internal,
      `cached clone ${dir} has origin ${origin || "(none)"}, expected ${source}`,
    );
  }
  await fetch(context, dir, source);
}

async function fetch(context: GitContext, dir: string, source: string): Promise<void> {
  try {
    await makeGit(context, dir).raw(["fetch", "--quiet", "--prune", "origin"]);
  } catch (err) {
    throw fetchError(err, source);
  }
}
