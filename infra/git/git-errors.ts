/**
 * Turning git failures into patchbay errors: a repository that does not exist, or a push
 * that was rejected, will fail the same way again (terminal); anything else, e.g. a
 * network error, is worth retrying.
 */
import { ErrorCode, RetryableError, TerminalError } from "../../protocol/errors.ts";
import type { PatchbayError } from "../../protocol/errors.ts";

const REPO_MISSING =
  /does not appear to be a git repository|repository .* not found|Repository not found|No such file or directory|not a git repository/i;
const AUTH_FAILED = /Authentication failed|could not read Username|Permission denied \(publickey/i;
const REJECTED = /\[rejected\]|\[remote rejected\]|non-fast-forward|failed to push some refs/i;

/** The useful part of a git error: its message without blank lines, at most a few lines. */
export function gitMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .slice(0, 6)
    .join(" | ");
}

/** Classifies a failed fetch or clone of `source`. */
export function fetchError(err: unknown, source: string): PatchbayError {
  const message = gitMessage(err);
  if (REPO_MISSING.test(message)) {
    return new TerminalError(ErrorCode.RepoNotFound, `repository ${source} not found: ${message}`, { cause: err });
  }
  if (AUTH_FAILED.test(message)) {
    return new TerminalError(ErrorCode.GitFailed, `no access to repository ${source}: ${message}`, { cause: err });
  }
  return new RetryableError(ErrorCode.GitFailed, `fetching ${source} failed: ${message}`, { cause: err });
}

/** Classifies a failed push. */
export function pushError(err: unknown, remote: string, branch: string): PatchbayError {
  const message = gitMessage(err);
  const what = `push of ${branch} to ${remote} failed: ${message}`;
  if (REJECTED.test(message) || AUTH_FAILED.test(message)) {
    return new TerminalError(ErrorCode.GitFailed, what, { cause: err });
  }
  return new RetryableError(ErrorCode.GitFailed, what, { cause: err });
}

/** Any other git failure: retryable, with the action named. */
export function gitFailure(err: unknown, action: string): PatchbayError {
  return new RetryableError(ErrorCode.GitFailed, `${action} failed: ${gitMessage(err)}`, { cause: err });
}
