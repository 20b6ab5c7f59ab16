/**
 * The forge interface (DESIGN §7): branches, pull requests with numbers, labels, statuses,
 * comments, merges with a real merge commit, issues. The local forge keeps records in KV and
 * does merges with git; GitHub is a second implementation.
 */

/** A commit status on a pull request's head. */
export interface CommitStatus {
  state: "pending" | "success" | "failure" | "error";
  /** Which check set it, e.g. `patchbay/quality-gate`. */
  context: string;
  description: string;
  /** Where details live (the workflow's page). */
  target_url?: string;
  updated_at: number;
}

/** A comment on a pull request or issue. */
export interface ForgeComment {
  id: number;
  /** Comments with the same key are updated in place instead of duplicated. */
  key?: string;
  author: string;
  body: string;
  created_at: number;
  updated_at: number;
}

/** A pull request. */
export interface PullRequest {
  number: number;
  /** The repository as given (absolute path or URL). */
  repo: string;
  title: string;
  body: string;
  head: string;
  base: string;
  labels: string[];
  state: "open" | "merged" | "closed";
  statuses: CommitStatus[];
  comments: ForgeComment[];
  merge_commit_sha?: string;
  url: string;
  created_at: number;
  updated_at: number;
}

/** An issue. */
export interface ForgeIssue {
  number: number;
  repo: string;
  title: string;
  body: string;
  labels: string[];
  state: "open" | "closed";
  url: string;
  created_at: number;
}

/** What a forge can do. Errors: TerminalError REPO_NOT_FOUND, BRANCH_NOT_FOUND, PR_NOT_FOUND, MERGE_CONFLICT. */
export interface Forge {
  /** The sha a branch points at, or undefined when the branch does not exist. */
  branchSha(repo: string, branch: string): Promise<string | undefined>;
  createPullRequest(repo: string, pr: { title: string; body?: string; head: string; base: string; labels?: string[] }): Promise<PullRequest>;
  getPullRequest(repo: string, number: number): Promise<PullRequest | undefined>;
  listPullRequests(repo: string, filter?: { state?: PullRequest["state"] }): Promise<PullRequest[]>;
  addLabels(repo: string, number: number, labels: string[]): Promise<PullRequest>;
  /** Sets the status of `context` (replacing the previous one of the same context). */
  setStatus(repo: string, number: number, status: Omit<CommitStatus, "updated_at">): Promise<PullRequest>;
  /** Adds a comment, or updates the one with the same `key`. */
  upsertComment(repo: string, number: number, comment: { key?: string; body: string }): Promise<ForgeComment>;
  /** Merges head into base with a real merge commit and pushes it. */
  merge(repo: string, number: number): Promise<{ merge_commit_sha: string }>;
  createIssue(repo: string, issue: { title: string; body?: string; labels?: string[] }): Promise<ForgeIssue>;
  /** The web address of a pull request. */
  pullRequestUrl(repo: string, number: number): string;
}
