/**
 * The local forge (docs/forge.md): repositories are real git remotes (a path is its own remote),
 * pull request and issue records live in the `forge` KV bucket, merges are done with git and
 * pushed back to the origin, and pages are served by the gateway at `pullRequestUrl`.
 *
 * KV layout per repository key (see keys.ts): `<key>.seq` (the repository's index: number
 * counter and open pull requests by branch pair), `<key>.pr.<n>`, `<key>.issue.<n>`. Every
 * change is a revision-checked write retried on conflict, so any number of processes may use
 * the same bucket at once.
 */
import { tmpdir } from "node:os";
import { setTimeout as delay } from "node:timers/promises";
import type { KV } from "@nats-io/kv";
import type { SimpleGit } from "simple-git";
import { assertBranchName } from "../git/index.ts";
import type { GitIdentity, Workspaces } from "../git/index.ts";
import { gitContext } from "../git/client.ts";
import { pushError } from "../git/git-errors.ts";
import type { GitContext } from "../git/client.ts";
import { ErrorCode, RetryableError, TerminalError } from "../../protocol/errors.ts";
import { filePagePath, readBranchFile } from "./files.ts";
import type { BranchFile } from "./files.ts";
import { BaseMovedError, diffStat, forgeGit, lsRemoteBranch, mergeInWorktree } from "./git-ops.ts";
import { ForgeKey, REPO_KEY_PATTERN, assertNumber, branchPair, repoRef } from "./keys.ts";
import type { RepoRef } from "./keys.ts";
import { RepoIndex, StoredIssue, StoredPullRequest, cleanLabels } from "./records.ts";
import { ForgeStore } from "./store.ts";
import type {
  CommentInput,
  CommitStatus,
  Forge,
  ForgeComment,
  ForgeIssue,
  NewIssue,
  NewPullRequest,
  PullRequest,
} from "./types.ts";

/** Options of {@link LocalForge}. */
export interface LocalForgeOptions {
  /** The `forge` bucket. */
  kv: KV;
  /** The clone cache and worktrees merges run in. */
  workspaces: Workspaces;
  /** Base URL of the gateway (PATCHBAY_GATEWAY_URL), without a trailing slash. */
  gatewayUrl: string;
  /** Identity of merge commits (the same as the workspaces'); its name signs comments by default. */
  author: GitIdentity;
  /** Ambient GIT_* variables git may see (as for the workspaces). */
  allowEnvironment?: readonly string[];
  /** Clock (milliseconds); `Date.now` by default. */
  now?: () => number;
}

/** How often a merge is redone when base moved while it ran. */
const MERGE_ATTEMPTS = 5;
/** Rounds of claim-then-write a create makes before giving up (each round is one conflict). */
const CREATE_ATTEMPTS = 20;

/** The local forge. */
export class LocalForge implements Forge {
  readonly #store: ForgeStore;
  readonly #workspaces: Workspaces;
  readonly #gatewayUrl: string;
  readonly #context: GitContext;
  readonly #author: string;
  readonly #now: () => number;
  readonly #lsGit: SimpleGit;

  constructor(options: LocalForgeOptions) {
    this.#store = new ForgeStore(options.kv);
    this.#workspaces = options.workspaces;
    this.#gatewayUrl = options.gatewayUrl.replace(/\/+$/, "");
    this.#context = gitContext(options.author, options.allowEnvironment);
    this.#author = options.author.name;
    this.#now = options.now ?? Date.now;
    this.#lsGit = forgeGit(this.#context, tmpdir());
  }

  /** `<gatewayUrl>/repos/<repoKey>/pulls/<n>`. */
  pullRequestUrl(repo: string, number: number): string {
    return `${this.#gatewayUrl}/repos/${repoRef(repo).key}/pulls/${number}`;
  }

  /** `<gatewayUrl>/repos/<repoKey>/issues/<n>`. */
  issueUrl(repo: string, number: number): string {
    return `${this.#gatewayUrl}/repos/${repoRef(repo).key}/issues/${number}`;
  }

  /** `<gatewayUrl>/repos/<repoKey>/files/<branch>/<path>`, each segment URL-encoded. */
  fileUrl(repo: string, branch: string, path: string): string {
    return `${this.#gatewayUrl}/repos/${repoRef(repo).key}/${filePagePath(branch, path)}`;
  }

  async branchSha(repo: string, branch: string): Promise<string | undefined> {
    assertBranchName(branch, "branch");
    return lsRemoteBranch(this.#lsGit, repoRef(repo).source, branch);
  }

  async createPullRequest(repo: string, input: NewPullRequest): Promise<PullRequest> {
    const ref = repoRef(repo);
    const draft = await this.#draft(ref, input);
    const pair = branchPair(draft.head, draft.base);
    for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
      const claim = await this.#claimNumber(ref, pair);
      const key = ForgeKey.pr(ref.key, claim.number);
      const found = claim.existing ? await this.#store.read(key, StoredPullRequest) : undefined;
      if (found?.value.state === "open") return this.#hydrate(found.value);
      if (found !== undefined) {
        await this.#unindex(ref, pair, claim.number); // merged or closed but still indexed
        continue;
      }
      // A new number, or an indexed one without a record (its claimer is slow or died): write
      // it. Losing that write means another create wrote it first; the next round returns it.
      const record = { ...draft, number: claim.number };
      if (await this.#store.createOnce(key, record)) return this.#hydrate(record);
    }
    throw new RetryableError(
      ErrorCode.ForgeConflict,
      `creating a pull request ${pair} in ${ref.source} kept conflicting`,
    );
  }

  async getPullRequest(repo: string, number: number): Promise<PullRequest | undefined> {
    assertNumber(number, "pull request number");
    const ref = repoRef(repo);
    const found = await this.#store.read(ForgeKey.pr(ref.key, number), StoredPullRequest);
    return found ? this.#hydrate(found.value) : undefined;
  }

  async listPullRequests(repo: string, filter: { state?: PullRequest["state"] } = {}): Promise<PullRequest[]> {
    const all = await this.#store.list(ForgeKey.prs(repoRef(repo).key), StoredPullRequest);
    return all
      .filter((pr) => filter.state === undefined || pr.state === filter.state)
      .sort((a, b) => a.number - b.number)
      .map((pr) => this.#hydrate(pr));
  }

  async addLabels(repo: string, number: number, labels: string[]): Promise<PullRequest> {
    const add = cleanLabels(labels);
    return this.#updatePr(repo, number, (pr) => {
      const merged = cleanLabels([...pr.labels, ...add]);
      return merged.length === pr.labels.length ? pr : { ...pr, labels: merged, updated_at: this.#now() };
    });
  }

  async setStatus(repo: string, number: number, status: Omit<CommitStatus, "updated_at">): Promise<PullRequest> {
    if (status.context.trim() === "")
      throw new TerminalError(ErrorCode.InvalidInput, "status context must not be empty");
    if (!["pending", "success", "failure", "error"].includes(status.state)) {
      throw new TerminalError(
        ErrorCode.InvalidInput,
        `status state ${JSON.stringify(status.state)} is not pending, success, failure or error`,
      );
    }
    return this.#updatePr(repo, number, (pr) => {
      const now = this.#now();
      const next: CommitStatus = { ...status, updated_at: now };
      const index = pr.statuses.findIndex((s) => s.context === status.context);
      const statuses = index < 0 ? [...pr.statuses, next] : pr.statuses.map((s, i) => (i === index ? next : s));
      return { ...pr, statuses, updated_at: now };
    });
  }

  async upsertComment(repo: string, number: number, input: CommentInput): Promise<ForgeComment> {
    let written: ForgeComment | undefined;
    await this.#updatePr(repo, number, (pr) => {
      const now = this.#now();
      const same = input.key === undefined ? -1 : pr.comments.findIndex((c) => c.key === input.key);
      if (same >= 0) {
        written = {
          ...pr.comments[same],
          body: input.body,
          author: input.author ?? pr.comments[same].author,
          updated_at: now,
        };
        return {
          ...pr,
          comments: pr.comments.map((c, i) => (i === same ? (written as ForgeComment) : c)),
          updated_at: now,
        };
      }
      const id = pr.comments.reduce((max, c) => Math.max(max, c.id), 0) + 1;
      written = {
        id,
        ...(input.key === undefined ? {} : { key: input.key }),
        author: input.author ?? this.#author,
        body: input.body,
        created_at: now,
        updated_at: now,
      };
      return { ...pr, comments: [...pr.comments, written], updated_at: now };
    });
    return written as ForgeComment;
  }

  async merge(repo: string, number: number): Promise<{ merge_commit_sha: string }> {
    const ref = repoRef(repo);
    const pr = await this.getPullRequest(ref.source, number);
    if (pr === undefined) throw new TerminalError(ErrorCode.PrNotFound, `no pull request #${number} in ${ref.source}`);
    if (pr.state === "merged" && pr.merge_commit_sha) return { merge_commit_sha: pr.merge_commit_sha };
    if (pr.state === "closed")
      throw new TerminalError(ErrorCode.PrNotOpen, `pull request #${number} of ${ref.source} is closed`);
    const sha = await this.#mergeWithRetry(ref, pr);
    // The merge is in git now: record it even if the pull request was closed meanwhile.
    const done = await this.#updatePr(ref.source, number, (current) =>
      current.state === "merged"
        ? current
        : { ...current, state: "merged", merge_commit_sha: sha, updated_at: this.#now() },
    );
    await this.#unindex(ref, branchPair(pr.head, pr.base), number);
    return { merge_commit_sha: done.merge_commit_sha ?? sha };
  }

  async closePullRequest(repo: string, number: number): Promise<PullRequest> {
    const ref = repoRef(repo);
    const pr = await this.#updatePr(ref.source, number, (current) =>
      current.state === "open" ? { ...current, state: "closed", updated_at: this.#now() } : current,
    );
    await this.#unindex(ref, branchPair(pr.head, pr.base), number);
    return pr;
  }

  async deleteBranch(repo: string, branch: string): Promise<boolean> {
    assertBranchName(branch, "branch");
    const ref = repoRef(repo);
    const sha = await lsRemoteBranch(this.#lsGit, ref.source, branch);
    if (sha === undefined) return false;
    const cached = await this.#workspaces.ensureClone(ref.source);
    const lease = `--force-with-lease=refs/heads/${branch}:${sha}`;
    try {
      await forgeGit(this.#context, cached.dir).raw(["push", "--quiet", lease, "origin", `:refs/heads/${branch}`]);
    } catch (err) {
      if ((await lsRemoteBranch(this.#lsGit, ref.source, branch)) === undefined) return true; // deleted meanwhile
      throw pushError(err, ref.source, branch);
    }
    return true;
  }

  async createIssue(repo: string, input: NewIssue): Promise<ForgeIssue> {
    const ref = repoRef(repo);
    const title = input.title.trim();
    if (title === "") throw new TerminalError(ErrorCode.InvalidInput, "issue title must not be empty");
    const { number } = await this.#claimNumber(ref, undefined);
    const issue: StoredIssue = {
      number,
      repo: ref.source,
      title,
      body: input.body ?? "",
      labels: cleanLabels(input.labels ?? []),
      state: "open",
      created_at: this.#now(),
    };
    if (!(await this.#store.createOnce(ForgeKey.issue(ref.key, number), issue))) {
      throw new TerminalError(
        ErrorCode.Internal,
        `issue #${number} of ${ref.source} exists although its number was just allocated`,
      );
    }
    return { ...issue, url: this.issueUrl(ref.source, number) };
  }

  async listIssues(repo: string, filter: { state?: ForgeIssue["state"] } = {}): Promise<ForgeIssue[]> {
    const all = await this.#store.list(ForgeKey.issues(repoRef(repo).key), StoredIssue);
    return all
      .filter((issue) => filter.state === undefined || issue.state === filter.state)
      .sort((a, b) => a.number - b.number)
      .map((issue) => ({ ...issue, url: this.issueUrl(issue.repo, issue.number) }));
  }

  /** The repository a key (as found in a URL) stands for, if the forge has seen it. */
  async repoOfKey(repoKey: string): Promise<string | undefined> {
    if (!REPO_KEY_PATTERN.test(repoKey)) return undefined;
    return (await this.#store.read(ForgeKey.index(repoKey), RepoIndex))?.value.repo;
  }

  /** `git diff --stat` of the pull request (fetched first); undefined when a branch is gone. */
  async diffStat(pr: PullRequest): Promise<string | undefined> {
    const cached = await this.#workspaces.ensureClone(pr.repo);
    return diffStat(forgeGit(this.#context, cached.dir), pr);
  }

  /** Records the repository in the forge's index (its pages then resolve); nothing when it is there. */
  async addRepository(repo: string): Promise<void> {
    const ref = repoRef(repo);
    await this.#store.mutate(
      ForgeKey.index(ref.key),
      RepoIndex,
      (current) => current ?? { repo: ref.source, next: 1, open: {} },
    );
  }

  /** The file that `segments` (`<branch…>/<path…>`, decoded) name, fetched first; undefined when none. */
  async readBranchFile(repo: string, segments: readonly string[]): Promise<BranchFile | undefined> {
    const cached = await this.#workspaces.ensureClone(repo);
    return readBranchFile(forgeGit(this.#context, cached.dir), segments);
  }

  /** Checks a new pull request and builds its record (number still 0). */
  async #draft(ref: RepoRef, input: NewPullRequest): Promise<StoredPullRequest> {
    assertBranchName(input.head, "head");
    assertBranchName(input.base, "base");
    if (input.head === input.base)
      throw new TerminalError(ErrorCode.InvalidInput, `head and base are both ${input.base}`);
    const title = input.title.trim();
    if (title === "") throw new TerminalError(ErrorCode.InvalidInput, "pull request title must not be empty");
    const [baseSha, headSha] = await Promise.all([
      lsRemoteBranch(this.#lsGit, ref.source, input.base),
      lsRemoteBranch(this.#lsGit, ref.source, input.head),
    ]);
    for (const [branch, sha] of [
      [input.base, baseSha],
      [input.head, headSha],
    ] as const) {
      if (sha === undefined)
        throw new TerminalError(ErrorCode.BranchNotFound, `branch ${branch} not found in ${ref.source}`);
    }
    const now = this.#now();
    return {
      number: 0,
      repo: ref.source,
      title,
      body: input.body ?? "",
      head: input.head,
      base: input.base,
      labels: cleanLabels(input.labels ?? []),
      state: "open",
      statuses: [],
      comments: [],
      created_at: now,
      updated_at: now,
    };
  }

  /**
   * The number for a new record from the repository's counter (compare-and-set). With a branch
   * `pair`, an open pull request already indexed for it is returned instead (`existing`).
   */
  async #claimNumber(ref: RepoRef, pair: string | undefined): Promise<{ number: number; existing: boolean }> {
    let claim = { number: 0, existing: false };
    await this.#store.mutate(ForgeKey.index(ref.key), RepoIndex, (current) => {
      const index = current ?? { repo: ref.source, next: 1, open: {} };
      const indexed = pair === undefined ? undefined : index.open[pair];
      if (indexed !== undefined) {
        claim = { number: indexed, existing: true };
        return index;
      }
      claim = { number: index.next, existing: false };
      return {
        ...index,
        next: index.next + 1,
        open: pair === undefined ? index.open : { ...index.open, [pair]: index.next },
      };
    });
    return claim;
  }

  /** Removes `pair` from the open index if it still points at `number`. */
  async #unindex(ref: RepoRef, pair: string, number: number): Promise<void> {
    await this.#store.mutate(ForgeKey.index(ref.key), RepoIndex, (current) => {
      // Returning `current` as it is (also a missing index) writes nothing.
      if (current === undefined || current.open[pair] !== number) return current as RepoIndex;
      const open = { ...current.open };
      delete open[pair];
      return { ...current, open };
    });
  }

  async #updatePr(
    repo: string,
    number: number,
    change: (pr: StoredPullRequest) => StoredPullRequest,
  ): Promise<PullRequest> {
    assertNumber(number, "pull request number");
    const ref = repoRef(repo);
    const next = await this.#store.mutate(ForgeKey.pr(ref.key, number), StoredPullRequest, (current) => {
      if (current === undefined)
        throw new TerminalError(ErrorCode.PrNotFound, `no pull request #${number} in ${ref.source}`);
      return change(current);
    });
    return this.#hydrate(next);
  }

  async #mergeWithRetry(ref: RepoRef, pr: PullRequest): Promise<string> {
    const spec = { source: ref.source, number: pr.number, title: pr.title, head: pr.head, base: pr.base };
    for (let attempt = 1; ; attempt++) {
      const cached = await this.#workspaces.ensureClone(ref.source);
      try {
        return await this.#workspaces.withWorktree(cached, { ref: pr.base }, (dir) =>
          mergeInWorktree(forgeGit(this.#context, dir), forgeGit(this.#context, dir, true), spec),
        );
      } catch (err) {
        if (!(err instanceof BaseMovedError) || attempt >= MERGE_ATTEMPTS) throw err;
        await delay(25 * attempt + Math.random() * 50); // apart from the other writer
      }
    }
  }

  #hydrate(pr: StoredPullRequest): PullRequest {
    return { ...pr, url: this.pullRequestUrl(pr.repo, pr.number) };
  }
}
