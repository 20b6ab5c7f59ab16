/**
 * Workspaces: a cached clone per repository and a worktree per task. A worktree is created
 * from a remote branch of the cached clone, handed to the task, and removed afterwards
 * whatever the task did. Every git command carries patchbay's own identity.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import type { SimpleGit } from "simple-git";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import { cacheLockPath, ensureClone } from "./clone-cache.ts";
import type { CacheLayout, CachedRepo } from "./clone-cache.ts";
import { gitContext, makeGit } from "./client.ts";
import type { GitContext } from "./client.ts";
import { gitFailure, gitMessage, pushError } from "./git-errors.ts";
import type { GitIdentity } from "./identity.ts";
import { withLock } from "./lock.ts";
import { ownerReason, removeStaleWorktrees } from "./stale-worktrees.ts";

/** Options of {@link createWorkspaces}. */
export interface WorkspacesOptions {
  /** Absolute directory holding `repos/`, `locks/` and (by default) `worktrees/`. */
  cacheDir: string;
  /** The identity every commit is authored and committed with. */
  author: GitIdentity;
  /** Where task worktrees are created (default `<cacheDir>/worktrees`). */
  worktreesDir?: string;
  /** How long to wait for another process's fetch or worktree change (default 300 000 ms). */
  lockTimeoutMs?: number;
  /** Ambient GIT_* variables git may see (e.g. GIT_SSL_CAINFO); all others are stripped. */
  allowEnvironment?: readonly string[];
  /** Told about problems that did not fail the call (e.g. a worktree removed by hand). */
  onWarning?: (message: string) => void;
}

/** Where a task's worktree starts. */
export interface WorktreeOptions {
  /** A branch of the remote, e.g. `main`. */
  ref: string;
  /** A local branch to create at `ref` and check out; without it HEAD is detached. */
  branch?: string;
}

/** The work a task does in its worktree. */
export type WorktreeTask<T> = (worktreeDir: string, git: SimpleGit) => Promise<T>;

/** Cached clones and per-task worktrees. */
export interface Workspaces {
  /** Clones the repository into the cache or fetches it; REPO_NOT_FOUND if it does not exist. */
  ensureClone(repoUrlOrPath: string): Promise<CachedRepo>;
  /** Runs `fn` in a fresh worktree at `options.ref`; BRANCH_NOT_FOUND if the remote has no such branch. */
  withWorktree<T>(repo: CachedRepo, options: WorktreeOptions, fn: WorktreeTask<T>): Promise<T>;
}

const DEFAULT_LOCK_TIMEOUT_MS = 300_000;
/** git's check-ref-format rules (less control characters, checked apart), plus no leading `-`. */
const BAD_REF = /(^|\/)\.|\.\.|[ ~^:?*[\\]|@\{|\.lock(\/|$)|\/\/|\/$|^\/|^-|^@$/;

/** Throws TerminalError INVALID_INPUT unless `name` is a valid branch name that cannot pass for an option. */
export function assertBranchName(name: string, what: string): void {
  const control = [...name].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);
  if (name === "" || control || BAD_REF.test(name)) {
    throw new TerminalError(ErrorCode.InvalidInput, `${what} ${JSON.stringify(name)} is not a valid branch name`);
  }
}

/** Creates the workspace set for one cache directory and identity. */
export function createWorkspaces(options: WorkspacesOptions): Workspaces {
  if (!isAbsolute(options.cacheDir)) {
    throw new TerminalError(ErrorCode.ConfigInvalid, `cacheDir must be absolute, got ${options.cacheDir}`);
  }
  const context = gitContext(options.author, options.allowEnvironment);
  const layout: CacheLayout = {
    cacheDir: options.cacheDir,
    lockTimeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
  };
  const worktreesDir = options.worktreesDir ?? join(options.cacheDir, "worktrees");
  const env: WorktreeEnv = {
    context,
    layout,
    worktreesDir,
    warn: options.onWarning ?? (() => undefined),
    swept: new Set(),
  };
  return {
    ensureClone: (repoUrlOrPath) => ensureClone(context, layout, repoUrlOrPath),
    withWorktree: (repo, worktreeOptions, fn) => withWorktree(env, repo, worktreeOptions, fn),
  };
}

interface WorktreeEnv {
  context: GitContext;
  layout: CacheLayout;
  worktreesDir: string;
  warn: (message: string) => void;
  /** Repositories whose stale worktrees this process has already removed. */
  swept: Set<string>;
}

async function withWorktree<T>(
  env: WorktreeEnv,
  repo: CachedRepo,
  options: WorktreeOptions,
  fn: WorktreeTask<T>,
): Promise<T> {
  assertBranchName(options.ref, "ref");
  if (options.branch !== undefined) assertBranchName(options.branch, "branch");
  const sha = await remoteBranchHead(env.context, repo, options.ref);
  const dir = await addWorktree(env, repo, sha, options);
  let result: T;
  try {
    result = await fn(dir, makeGit(env.context, dir));
  } catch (err) {
    // The task's error is the one to report; a cleanup failure on top of it is only a warning.
    await removeWorktree(env, repo, dir, options.branch).catch((cleanupErr: unknown) =>
      env.warn(`removing worktree ${dir} after a failed task: ${gitMessage(cleanupErr)}`),
    );
    throw err;
  }
  await removeWorktree(env, repo, dir, options.branch);
  return result;
}

/** The commit `refs/remotes/origin/<ref>` points at, or TerminalError BRANCH_NOT_FOUND. */
async function remoteBranchHead(context: GitContext, repo: CachedRepo, ref: string): Promise<string> {
  const listing = await makeGit(context, repo.dir)
    .raw(["for-each-ref", "--format=%(objectname) %(refname)", "refs/remotes/origin/"])
    .catch((err: unknown) => {
      throw gitFailure(err, `listing branches of ${repo.source}`);
    });
  const branches = new Map<string, string>();
  for (const line of listing.split("\n")) {
    const [sha, refname] = line.split(" ");
    if (refname?.startsWith("refs/remotes/origin/")) branches.set(refname.slice("refs/remotes/origin/".length), sha);
  }
  const sha = branches.get(ref);
  if (sha === undefined) {
    const known = [...branches.keys()].filter((name) => name !== "HEAD").slice(0, 20);
    throw new TerminalError(
      ErrorCode.BranchNotFound,
      `branch ${ref} not found in ${repo.source} (branches: ${known.length > 0 ? known.join(", ") : "none"})`,
    );
  }
  return sha;
}

async function addWorktree(env: WorktreeEnv, repo: CachedRepo, sha: string, options: WorktreeOptions): Promise<string> {
  await mkdir(env.worktreesDir, { recursive: true });
  const dir = await mkdtemp(join(env.worktreesDir, `${repo.key}-`));
  const checkout = options.branch === undefined ? ["--detach"] : ["-B", options.branch];
  const git = makeGit(env.context, repo.dir);
  try {
    await withLock(cacheLockPath(env.layout, repo.key), { timeoutMs: env.layout.lockTimeoutMs }, async () => {
      // A worktree a killed task left behind must not block a branch checkout, nor fill the
      // disk: looked for before a branch checkout, and once per repository in this process.
      if (options.branch !== undefined || !env.swept.has(repo.key)) {
        await removeStaleWorktrees(git, options.branch, env.warn);
        env.swept.add(repo.key);
      }
      await git.raw(["worktree", "add", "--quiet", "--lock", "--reason", ownerReason(), ...checkout, dir, sha]);
    });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw gitFailure(err, `creating a worktree of ${repo.source} at ${options.ref}`);
  }
  return dir;
}

/** Removes the worktree (by hand if git will not), prunes, and deletes the task branch. */
async function removeWorktree(
  env: WorktreeEnv,
  repo: CachedRepo,
  dir: string,
  branch: string | undefined,
): Promise<void> {
  const git = makeGit(env.context, repo.dir);
  await withLock(cacheLockPath(env.layout, repo.key), { timeoutMs: env.layout.lockTimeoutMs }, async () => {
    try {
      await git.raw(["worktree", "remove", "--force", "--force", dir]);
    } catch (err) {
      env.warn(`git worktree remove ${dir} failed (${gitMessage(err)}); deleting it directly`);
      await rm(dir, { recursive: true, force: true });
    }
    try {
      await git.raw(["worktree", "prune"]);
      if (branch !== undefined) await git.raw(["branch", "--quiet", "-D", branch]);
    } catch (err) {
      throw gitFailure(err, `cleaning up after worktree ${dir}`);
    }
  });
}

/** Options of {@link pushBranch}. */
export interface PushOptions {
  /** Overwrite the remote branch even if it is not an ancestor (default false). */
  force?: boolean;
  /**
   * Push only if the remote branch is still at this commit (`--force-with-lease`), or, when it
   * is the empty string, only if the remote branch does not exist yet; else rejected.
   */
  expect?: string;
  /** What to push (default: the local branch of that name, else HEAD). */
  from?: string;
}

/**
 * Pushes `branch` to `remote` (in a task worktree, `origin` is the repository the cache was
 * cloned from). Pushes the local branch of that name if there is one, else HEAD.
 * A rejected push is a TerminalError GIT_FAILED; other failures are retryable.
 */
export async function pushBranch(
  git: SimpleGit,
  remote: string,
  branch: string,
  options: PushOptions = {},
): Promise<void> {
  assertBranchName(branch, "branch");
  if (remote === "" || remote.startsWith("-")) {
    throw new TerminalError(ErrorCode.InvalidInput, `remote ${JSON.stringify(remote)} is not a remote name or URL`);
  }
  const local = await git.raw(["for-each-ref", "--format=%(refname)", `refs/heads/${branch}`]);
  const from = options.from ?? (local.split("\n").includes(`refs/heads/${branch}`) ? `refs/heads/${branch}` : "HEAD");
  const flags = [
    ...(options.force ? ["--force"] : []),
    ...(options.expect !== undefined ? [`--force-with-lease=refs/heads/${branch}:${options.expect}`] : []),
  ];
  try {
    await git.raw(["push", "--quiet", ...flags, remote, `${from}:refs/heads/${branch}`]);
  } catch (err) {
    throw pushError(err, remote, branch);
  }
}
