/**
 * The forge interface (docs/forge.md): branches, pull requests with numbers, labels, statuses,
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

/** A comment on a pull request. */
export interface ForgeComment {
  /** Per pull request, from 1. */
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
  /** Per repository, shared with issues (like GitHub), never reused. */
  number: number;
  /** The repository, normalised (absolute path or URL without a trailing slash). */
  repo: string;
  title: string;
  body: string;
  head: string;
  base: string;
  labels: string[];
  state: "open" | "merged" | "closed";
  /** One per context, in the order they were first set. */
  statuses: CommitStatus[];
  comments: ForgeComment[];
  /** Set once merged. */
  merge_commit_sha?: string;
  /** The page of the pull request (the gateway's, for the local forge). */
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

/** What a pull request is opened with. */
export interface NewPullRequest {
  title: string;
  body?: string;
  /** The branch with the changes; must exist in the repository. */
  head: string;
  /** The branch to merge into; must exist in the repository. */
  base: string;
  labels?: string[];
}

/** What an issue is opened with. */
export interface NewIssue {
  title: string;
  body?: string;
  labels?: string[];
}

/** A comment to add, or to update in place when one with the same `key` exists. */
export interface CommentInput {
  /** Identifies the comment across updates, e.g. `patchbay/quality-gate`. */
  key?: string;
  body: string;
  /** Who writes it (default: the forge's own name, `patchbay`). */
  author?: string;
}

/**
 * What a forge can do. `repo` is an absolute path or URL of a git repository. Errors are
 * TerminalError REPO_NOT_FOUND, BRANCH_NOT_FOUND, PR_NOT_FOUND, PR_NOT_OPEN, MERGE_CONFLICT,
 * NOTHING_TO_MERGE, INVALID_INPUT; retryable ones (GIT_FAILED, FORGE_CONFLICT) may succeed later.
 */
export interface Forge {
  /** The sha a branch points at in the repository, or undefined when the branch does not exist. */
  branchSha(repo: string, branch: string): Promise<string | undefined>;
  /** Opens a pull request; while one for the same head and base is open, returns that one instead. */
  createPullRequest(repo: string, pr: NewPullRequest): Promise<PullRequest>;
  getPullRequest(repo: string, number: number): Promise<PullRequest | undefined>;
  /** All pull requests of the repository, lowest number first. */
  listPullRequests(repo: string, filter?: { state?: PullRequest["state"] }): Promise<PullRequest[]>;
  /** Adds labels (ones already there are kept once). */
  addLabels(repo: string, number: number, labels: string[]): Promise<PullRequest>;
  /** Sets the status of `context` (replacing the previous one of the same context). */
  setStatus(repo: string, number: number, status: Omit<CommitStatus, "updated_at">): Promise<PullRequest>;
  /** Adds a comment, or updates the one with the same `key` (same id, new body). */
  upsertComment(repo: string, number: number, comment: CommentInput): Promise<ForgeComment>;
  /**
   * Merges head into base with a real merge commit (two parents) and pushes base. Merging a
   * merged pull request again returns its merge commit.
   */
  merge(repo: string, number: number): Promise<{ merge_commit_sha: string }>;
  /** Closes an open pull request without merging (a closed or merged one is returned as is). */
  closePullRequest(repo: string, number: number): Promise<PullRequest>;
  /** Deletes a branch of the repository; false when it did not exist (deleting twice is fine). */
  deleteBranch(repo: string, branch: string): Promise<boolean>;
  createIssue(repo: string, issue: NewIssue): Promise<ForgeIssue>;
  /** All issues of the repository, lowest number first. */
  listIssues(repo: string, filter?: { state?: ForgeIssue["state"] }): Promise<ForgeIssue[]>;
  /** The web address of a pull request. */
  pullRequestUrl(repo: string, number: number): string;
  /** Makes the repository's pages resolve before it has a pull request or issue (a file's page). */
  addRepository(repo: string): Promise<void>;
  /** The web address of a file of a branch. */
  fileUrl(repo: string, branch: string, path: string): string;
}
