/**
 * Names in the local forge: the repository key (`<name>-<hash>`, the clone cache's key with
 * dots replaced so it is one KV token and one URL segment) and the KV keys under it.
 */
import { cacheKey, normalizeSource } from "../git/index.ts";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";

/** A repository as the forge names it. */
export interface RepoRef {
  /** The normalised absolute path or URL. */
  source: string;
  /** `<name>-<first 12 hex of sha256(source)>`, only `[A-Za-z0-9_-]`. */
  key: string;
}

/** What a repository key looks like (also checked on keys that arrive in URLs). */
export const REPO_KEY_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Normalises `repo` (INVALID_INPUT for relative paths and option-like strings) and derives its key. */
export function repoRef(repo: string): RepoRef {
  const source = normalizeSource(repo);
  return { source, key: cacheKey(source).replace(/\./g, "_") };
}

/** The KV keys of one repository. */
export const ForgeKey = {
  /** The repository's index: its source, the next number, the open pull requests by branch pair. */
  index: (repoKey: string) => `${repoKey}.seq`,
  pr: (repoKey: string, n: number) => `${repoKey}.pr.${n}`,
  prs: (repoKey: string) => `${repoKey}.pr.*`,
  issue: (repoKey: string, n: number) => `${repoKey}.issue.${n}`,
  issues: (repoKey: string) => `${repoKey}.issue.*`,
} as const;

/** The index entry of an open pull request from `head` into `base` (`..` cannot occur in branch names). */
export function branchPair(head: string, base: string): string {
  return `${base}...${head}`;
}

/** Throws INVALID_INPUT unless `n` is a positive integer. */
export function assertNumber(n: number, what = "number"): void {
  if (!Number.isSafeInteger(n) || n < 1)
    throw new TerminalError(ErrorCode.InvalidInput, `${what} must be a positive integer, got ${n}`);
}
