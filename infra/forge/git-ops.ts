/**
 * The git the local forge does itself: reading a branch from the remote (`ls-remote`), the
 * merge of a pull request in a worktree (a real `--no-ff` merge commit, pushed to the origin),
 * and the diff stat of a pull request in the cached clone.
 */
import { simpleGit } from "simple-git";
import type { SimpleGit } from "simple-git";
import type { GitContext } from "../git/client.ts";
import { fetchError, gitFailure, gitMessage, pushError } from "../git/git-errors.ts";
import { ErrorCode, RetryableError, TerminalError } from "../../protocol/errors.ts";

/**
 * A simple-git instance in `dir` with the context's settings, on which every non-zero exit
 * rejects (by default simple-git resolves when git exits non-zero without writing to stderr,
 * as a conflicted `merge` or `merge-base --is-ancestor` do). `allowPack` lets the push name its
 * own `--receive-pack` (a fixed command of ours, see {@link pushBase}).
 */
export function forgeGit(context: GitContext, dir: string, allowPack = false): SimpleGit {
  return simpleGit({
    baseDir: dir,
    config: context.config,
    allowEnvironment: context.allowEnvironment,
    unsafe: { allowUnsafeHooksPath: true, allowUnsafePack: allowPack },
    errors: (error, result) => {
      if (error !== undefined || result.exitCode === 0) return error;
      const output = Buffer.concat([...result.stdErr, ...result.stdOut])
        .toString("utf8")
        .trim();
      return new Error(`git exited with ${result.exitCode}${output ? `: ${output}` : ""}`);
    },
  });
}

/** The sha `refs/heads/<branch>` has in `source`, or undefined; REPO_NOT_FOUND when it is no repository. */
export async function lsRemoteBranch(git: SimpleGit, source: string, branch: string): Promise<string | undefined> {
  const ref = `refs/heads/${branch}`;
  let listing: string;
  try {
    listing = await git.raw(["ls-remote", "--heads", source, ref]);
  } catch (err) {
    throw fetchError(err, source);
  }
  for (const line of listing.split("\n")) {
    const [sha, name] = line.trim().split(/\s+/);
    if (name === ref && sha) return sha;
  }
  return undefined;
}

/** What a merge needs to know about its pull request. */
export interface MergeSpec {
  source: string;
  number: number;
  title: string;
  head: string;
  base: string;
}

/** Thrown when the push of base was rejected because base moved meanwhile: merge again. */
export class BaseMovedError extends RetryableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.GitFailed, message, options);
    this.name = "BaseMovedError";
  }
}

/**
 * In a worktree detached at the remote base: merges the remote head with `--no-ff` and pushes
 * the result to base. Returns the merge commit. If an earlier attempt already merged this
 * head into base (a crash before the record was written), returns that merge commit instead.
 */
export async function mergeInWorktree(git: SimpleGit, pushGit: SimpleGit, spec: MergeSpec): Promise<string> {
  const headSha = await revParse(git, `refs/remotes/origin/${spec.head}`);
  if (headSha === undefined)
    throw new TerminalError(ErrorCode.BranchNotFound, `head branch ${spec.head} no longer exists in ${spec.source}`);
  const baseSha = (await git.raw(["rev-parse", "HEAD"])).trim();
  const earlier = await findMergeOf(git, headSha);
  if (earlier !== undefined) return earlier;
  if (await isAncestor(git, headSha, "HEAD")) {
    throw new TerminalError(ErrorCode.NothingToMerge, `${spec.head} has no commits that ${spec.base} does not have`);
  }
  const message = `Merge pull request #${spec.number} from ${spec.head}\n\n${spec.title}`;
  try {
    await git.raw(["merge", "--no-ff", "--no-edit", "-m", message, headSha]);
  } catch (err) {
    const conflicts = (await git.raw(["diff", "--name-only", "--diff-filter=U"]).catch(() => "")).trim();
    await git.raw(["merge", "--abort"]).catch(() => undefined);
    if (conflicts === "") throw gitFailure(err, `merging ${spec.head} into ${spec.base}`);
    const files = conflicts.split("\n").join(", ");
    throw new TerminalError(ErrorCode.MergeConflict, `merging ${spec.head} into ${spec.base} conflicts in: ${files}`, {
      cause: err,
    });
  }
  const [mergeSha, , second] = (await git.raw(["rev-list", "--parents", "-n", "1", "HEAD"])).trim().split(" ");
  if (second !== headSha)
    throw new RetryableError(ErrorCode.GitFailed, `merging ${spec.head} into ${spec.base} made no merge commit`);
  await pushBase(pushGit, spec, baseSha);
  return mergeSha;
}

/**
 * Pushes HEAD to base without force. A local origin (a path) may have base checked out: its
 * receive-pack runs with `receive.denyCurrentBranch=updateInstead`, which moves the branch and
 * updates that working tree when it is clean, and refuses (nothing changes) when it is not.
 */
async function pushBase(git: SimpleGit, spec: MergeSpec, baseSha: string): Promise<void> {
  const local = spec.source.startsWith("/") || spec.source.startsWith("file://");
  const receivePack = local ? ["--receive-pack=git -c receive.denyCurrentBranch=updateInstead receive-pack"] : [];
  try {
    await git.raw(["push", "--quiet", ...receivePack, "origin", `HEAD:refs/heads/${spec.base}`]);
  } catch (err) {
    if (
      RACED.test(gitMessage(err)) ||
      (await lsRemoteBranch(git, spec.source, spec.base).catch(() => baseSha)) !== baseSha
    ) {
      throw new BaseMovedError(`${spec.base} of ${spec.source} moved during the merge: ${gitMessage(err)}`, {
        cause: err,
      });
    }
    throw pushError(err, spec.source, spec.base);
  }
}

/** Push failures that mean another writer updated base (or its checked-out tree) at the same time. */
const RACED =
  /fetch first|non-fast-forward|stale info|cannot lock ref|failed to update ref|Up-to-date check failed|index\.lock/i;

/** The merge commit on base's first-parent line whose second parent is `headSha`. */
async function findMergeOf(git: SimpleGit, headSha: string): Promise<string | undefined> {
  const log = await git.raw(["log", "--first-parent", "--merges", "--format=%H %P", "-n", "500", "HEAD"]);
  for (const line of log.split("\n")) {
    const [sha, , second] = line.trim().split(" ");
    if (second === headSha) return sha;
  }
  return undefined;
}

async function revParse(git: SimpleGit, ref: string): Promise<string | undefined> {
  const out = await git.raw(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]).catch(() => "");
  return out.trim() || undefined;
}

async function isAncestor(git: SimpleGit, ancestor: string, of: string): Promise<boolean> {
  return git.raw(["merge-base", "--is-ancestor", ancestor, of]).then(
    () => true,
    () => false,
  );
}

/**
 * `git diff --stat` of a pull request in the cached clone: `base...head` while open, the
 * merge commit against its first parent once merged. Undefined when a branch is gone.
 */
export async function diffStat(
  git: SimpleGit,
  pr: { base: string; head: string; merge_commit_sha?: string },
): Promise<string | undefined> {
  const range = pr.merge_commit_sha
    ? [`${pr.merge_commit_sha}^1...${pr.merge_commit_sha}^2`]
    : [`refs/remotes/origin/${pr.base}...refs/remotes/origin/${pr.head}`];
  try {
    return (await git.raw(["diff", "--stat", "--no-color", ...range, "--"])).trimEnd();
  } catch {
    return undefined;
  }
}
