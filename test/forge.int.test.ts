// Scenario: the local forge on a real nats-server and real git repositories on disk: pull
// request numbers stay distinct when several connections create at once, a create is idempotent
// per head and base while open (also after a creator died mid-way), missing branches and
// repositories are clear terminal errors, labels/statuses/comments update in place, a merge is a
// real two-parent merge commit pushed to the origin's base (once, also when two processes race),
// a conflict leaves base untouched, and issues share the numbering.
import test from "ava";
import type { ExecutionContext } from "ava";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { Kvm } from "@nats-io/kv";
import { connectNats } from "../infra/nats/connect.ts";
import { openLocalForge, repoRef } from "../infra/forge/index.ts";
import type { LocalForge } from "../infra/forge/index.ts";
import { Bucket } from "../protocol/subjects.ts";
import { startTestNats } from "./helpers/nats.ts";
import type { TestNats } from "./helpers/nats.ts";
import { createTestRepo, tempDir } from "./helpers/git-repo.ts";
import type { TestRepo } from "./helpers/git-repo.ts";
import { errorOf } from "./helpers/errors.ts";

const GATEWAY = "http://forge.test:7070";

interface Fixture {
  nats: TestNats;
  repo: TestRepo;
  forge: LocalForge;
  workDir: string;
}

async function fixture(t: ExecutionContext): Promise<Fixture> {
  const nats = await startTestNats(t);
  const repo = await createTestRepo(t);
  const workDir = await tempDir(t, "patchbay-forge-work-");
  const forge = await openLocalForge(nats.nc, { workDir, gatewayUrl: GATEWAY });
  return { nats, repo, forge, workDir };
}

/** Another "process": its own connection and forge over the same bucket and work dir. */
async function anotherForge(t: ExecutionContext, f: Fixture): Promise<LocalForge> {
  const nc = await connectNats({ url: f.nats.url, name: "forge-test-peer" });
  t.teardown(() => nc.close());
  return openLocalForge(nc, { workDir: f.workDir, gatewayUrl: GATEWAY });
}

test("parallel creates from several connections get distinct numbers 1..N; issues share the counter", async (t) => {
  const f = await fixture(t);
  const branches = Array.from({ length: 8 }, (_, i) => `topic-${i}`);
  for (const b of branches) await f.repo.branch(b, { [`${b}.txt`]: `${b}\n` });
  const forges = [f.forge, await anotherForge(t, f), await anotherForge(t, f)];
  const prs = await Promise.all(
    branches.map((head, i) =>
      forges[i % forges.length].createPullRequest(f.repo.dir, { title: head, head, base: "main" }),
    ),
  );
  const numbers = prs.map((pr) => pr.number).sort((a, b) => a - b);
  t.deepEqual(numbers, [1, 2, 3, 4, 5, 6, 7, 8]);
  const issue = await f.forge.createIssue(f.repo.dir, { title: "a bug", labels: ["bug"] });
  t.is(issue.number, 9);
  t.is(issue.url, `${GATEWAY}/repos/${repoRef(f.repo.dir).key}/issues/9`);
  const listed = await forges[1].listPullRequests(f.repo.dir);
  t.deepEqual(
    listed.map((pr) => pr.number),
    [1, 2, 3, 4, 5, 6, 7, 8],
  );
  t.is(listed[0].url, `${GATEWAY}/repos/${repoRef(f.repo.dir).key}/pulls/1`);
});

test("create is idempotent per head and base while open, also when racing; a closed one is not reused", async (t) => {
  const f = await fixture(t);
  const peer = await anotherForge(t, f);
  const input = { title: "Add a feature", head: "feature", base: "main", body: "why" };
  const raced = await Promise.all(
    [f.forge, peer, f.forge, peer].map((forge) => forge.createPullRequest(f.repo.dir, input)),
  );
  t.deepEqual(new Set(raced.map((pr) => pr.number)), new Set([1]));
  const again = await f.forge.createPullRequest(f.repo.dir, { ...input, title: "other title" });
  t.is(again.number, 1);
  t.is(again.title, "Add a feature");
  t.is((await f.forge.listPullRequests(f.repo.dir)).length, 1);
  const closed = await f.forge.closePullRequest(f.repo.dir, 1);
  t.is(closed.state, "closed");
  const reopened = await f.forge.createPullRequest(f.repo.dir, input);
  t.is(reopened.number, 2);
  t.deepEqual(
    (await f.forge.listPullRequests(f.repo.dir, { state: "open" })).map((pr) => pr.number),
    [2],
  );
});

test("a number claimed by a create that died before writing its record is completed by the next create", async (t) => {
  const f = await fixture(t);
  const kv = await new Kvm(f.nats.nc).open(Bucket.Forge);
  const { key } = repoRef(f.repo.dir);
  await kv.create(`${key}.seq`, JSON.stringify({ repo: f.repo.dir, next: 2, open: { "main...feature": 1 } }));
  const pr = await f.forge.createPullRequest(f.repo.dir, { title: "after a crash", head: "feature", base: "main" });
  t.like(pr, { number: 1, title: "after a crash", state: "open" });
  await f.repo.branch("other", { "other.txt": "x\n" });
  t.is((await f.forge.createPullRequest(f.repo.dir, { title: "next", head: "other", base: "main" })).number, 2);
});

test("missing branches and repositories are terminal errors; branchSha reads the remote", async (t) => {
  const f = await fixture(t);
  t.is(await f.forge.branchSha(f.repo.dir, "feature"), await f.repo.sha("feature"));
  t.is(await f.forge.branchSha(f.repo.dir, "nope"), undefined);
  const noHead = await errorOf(f.forge.createPullRequest(f.repo.dir, { title: "x", head: "nope", base: "main" }));
  t.is(noHead.code, "BRANCH_NOT_FOUND");
  t.false(noHead.retryable);
  const noBase = await errorOf(f.forge.createPullRequest(f.repo.dir, { title: "x", head: "feature", base: "develop" }));
  t.is(noBase.code, "BRANCH_NOT_FOUND");
  t.regex(noBase.message, /develop/);
  const plainDir = await tempDir(t, "patchbay-not-a-repo-");
  await mkdir(join(plainDir, "sub"));
  for (const repo of [plainDir, join(plainDir, "sub"), join(plainDir, "missing")]) {
    const err = await errorOf(f.forge.branchSha(repo, "main"));
    t.is(err.code, "REPO_NOT_FOUND", repo);
    t.is(
      (await errorOf(f.forge.createPullRequest(repo, { title: "x", head: "feature", base: "main" }))).code,
      "REPO_NOT_FOUND",
    );
  }
  t.is((await errorOf(f.forge.branchSha("relative/path", "main"))).code, "INVALID_INPUT");
  t.is(
    (await errorOf(f.forge.createPullRequest(f.repo.dir, { title: "x", head: "main", base: "main" }))).code,
    "INVALID_INPUT",
  );
  t.is((await errorOf(f.forge.addLabels(f.repo.dir, 42, ["x"]))).code, "PR_NOT_FOUND");
  t.is(await f.forge.getPullRequest(f.repo.dir, 42), undefined);
  t.is((await errorOf(f.forge.merge(f.repo.dir, 42))).code, "PR_NOT_FOUND");
});

test("labels are kept once, statuses replace their context, keyed comments update in place", async (t) => {
  const f = await fixture(t);
  const pr = await f.forge.createPullRequest(f.repo.dir, {
    title: "t",
    head: "feature",
    base: "main",
    labels: ["a", " a ", "b", ""],
  });
  t.deepEqual(pr.labels, ["a", "b"]);
  t.deepEqual((await f.forge.addLabels(f.repo.dir, pr.number, ["b", "c"])).labels, ["a", "b", "c"]);

  await f.forge.setStatus(f.repo.dir, pr.number, { context: "ci/gate", state: "pending", description: "running" });
  await f.forge.setStatus(f.repo.dir, pr.number, { context: "ci/lint", state: "success", description: "ok" });
  const statuses = (
    await f.forge.setStatus(f.repo.dir, pr.number, { context: "ci/gate", state: "failure", description: "2 blocking" })
  ).statuses;
  t.deepEqual(
    statuses.map((s) => [s.context, s.state, s.description]),
    [
      ["ci/gate", "failure", "2 blocking"],
      ["ci/lint", "success", "ok"],
    ],
  );

  const first = await f.forge.upsertComment(f.repo.dir, pr.number, { key: "gate", body: "score 70" });
  const plain = await f.forge.upsertComment(f.repo.dir, pr.number, { body: "hello", author: "dev" });
  const updated = await f.forge.upsertComment(f.repo.dir, pr.number, { key: "gate", body: "score 95" });
  t.is(first.id, 1);
  t.is(plain.id, 2);
  t.is(updated.id, 1);
  t.is(updated.created_at, first.created_at);
  const stored = await f.forge.getPullRequest(f.repo.dir, pr.number);
  t.deepEqual(
    stored?.comments.map((c) => [c.id, c.author, c.body]),
    [
      [1, "patchbay", "score 95"],
      [2, "dev", "hello"],
    ],
  );
});

test("merge makes a real merge commit with two parents on the origin's base, once", async (t) => {
  const f = await fixture(t);
  const [mainBefore, featureSha] = [await f.repo.sha("main"), await f.repo.sha("feature")];
  const pr = await f.forge.createPullRequest(f.repo.dir, { title: "Add a feature", head: "feature", base: "main" });
  const { merge_commit_sha: sha } = await f.forge.merge(f.repo.dir, pr.number);
  t.is(await f.repo.sha("main"), sha);
  t.is(await f.repo.git("rev-list", "--parents", "-n", "1", sha), `${sha} ${mainBefore} ${featureSha}`);
  t.regex(
    await f.repo.git("log", "-1", "--format=%an <%ae>%n%B", sha),
    /^patchbay <patchbay@localhost\.invalid>\nMerge pull request #1 from feature\n\nAdd a feature/,
  );
  t.is(await f.repo.git("status", "--porcelain"), "", "the checked-out main was updated in place");
  t.is(await f.repo.git("show", "HEAD:src/feature.txt"), "a feature");
  const merged = await f.forge.getPullRequest(f.repo.dir, pr.number);
  t.is(merged?.state, "merged");
  t.is(merged?.merge_commit_sha, sha);
  t.deepEqual(await f.forge.merge(f.repo.dir, pr.number), { merge_commit_sha: sha });
  t.is(await f.repo.sha("main"), sha, "merging again changes nothing");
  t.is(
    (await f.forge.createPullRequest(f.repo.dir, { title: "again", head: "feature", base: "main" })).number,
    2,
    "a merged PR is not reused",
  );
});

test("two processes merging the same PR at once agree on one merge commit", async (t) => {
  const f = await fixture(t);
  const nc = await connectNats({ url: f.nats.url, name: "forge-test-other-cache" });
  t.teardown(() => nc.close());
  const other = await openLocalForge(nc, { workDir: await tempDir(t, "patchbay-forge-work2-"), gatewayUrl: GATEWAY });
  const pr = await f.forge.createPullRequest(f.repo.dir, { title: "Add a feature", head: "feature", base: "main" });
  const results = await Promise.all([f.forge.merge(f.repo.dir, pr.number), other.merge(f.repo.dir, pr.number)]);
  t.is(results[0].merge_commit_sha, results[1].merge_commit_sha);
  t.is(await f.repo.sha("main"), results[0].merge_commit_sha);
  t.is(await f.repo.git("rev-list", "--count", "--merges", "main"), "1");
});

test("a merge conflict is MERGE_CONFLICT and leaves base untouched; closed PRs cannot be merged", async (t) => {
  const f = await fixture(t);
  await f.repo.branch("clash", { "src/app.txt": "line 1\nfrom the branch\nline 3\n" });
  await f.repo.commit("main", { "src/app.txt": "line 1\nfrom main\nline 3\n" });
  const mainBefore = await f.repo.sha("main");
  const pr = await f.forge.createPullRequest(f.repo.dir, { title: "clash", head: "clash", base: "main" });
  const err = await errorOf(f.forge.merge(f.repo.dir, pr.number));
  t.is(err.code, "MERGE_CONFLICT");
  t.false(err.retryable);
  t.regex(err.message, /src\/app\.txt/);
  t.is(await f.repo.sha("main"), mainBefore);
  t.is((await f.forge.getPullRequest(f.repo.dir, pr.number))?.state, "open");
  await f.forge.closePullRequest(f.repo.dir, pr.number);
  t.is((await errorOf(f.forge.merge(f.repo.dir, pr.number))).code, "PR_NOT_OPEN");
});

test("issues are created with labels and listed by state", async (t) => {
  const f = await fixture(t);
  const a = await f.forge.createIssue(f.repo.dir, { title: "first", body: "details", labels: ["bug", "bug"] });
  const pr = await f.forge.createPullRequest(f.repo.dir, { title: "t", head: "feature", base: "main" });
  const b = await f.forge.createIssue(f.repo.dir, { title: "second" });
  t.deepEqual([a.number, pr.number, b.number], [1, 2, 3]);
  t.deepEqual(a.labels, ["bug"]);
  const issues = await f.forge.listIssues(f.repo.dir, { state: "open" });
  t.deepEqual(
    issues.map((i) => [i.number, i.title, i.body]),
    [
      [1, "first", "details"],
      [3, "second", ""],
    ],
  );
  t.is((await errorOf(f.forge.createIssue(f.repo.dir, { title: "  " }))).code, "INVALID_INPUT");
});

test("deleteBranch deletes a branch of the repository; deleting it again answers false", async (t) => {
  const f = await fixture(t);
  await f.repo.branch("doomed", { "doomed.txt": "x\n" });
  t.truthy(await f.forge.branchSha(f.repo.dir, "doomed"));
  t.true(await f.forge.deleteBranch(f.repo.dir, "doomed"));
  t.is(await f.forge.branchSha(f.repo.dir, "doomed"), undefined);
  t.false(await f.forge.deleteBranch(f.repo.dir, "doomed"));
  t.truthy(await f.forge.branchSha(f.repo.dir, "main"), "other branches stay");
});
