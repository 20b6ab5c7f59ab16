// Scenario: every pr_url of the local forge resolves: the gateway, started in-process with the
// forge on the port its base URL names, serves a plain read-only page per pull request (title,
// branches, state, labels, statuses, comments, diff stat) with everything from records escaped,
// a list page, the same as JSON under /api/, and 404s for unknown repositories and numbers;
// `/` is an index of what the gateway serves and `/repos` lists the forge's repositories (HTML,
// or JSON by Accept and under /api/).
import test from "ava";
import type { ExecutionContext } from "ava";
import { freePort } from "../infra/nats/launcher.ts";
import { openLocalForge, repoRef } from "../infra/forge/index.ts";
import type { LocalForge } from "../infra/forge/index.ts";
import { PatchbayClient } from "../infra/client/index.ts";
import { createGateway } from "../services/gateway/server.ts";
import { forgeRepoLister } from "../services/gateway/repos.ts";
import { startTestNats, type TestNats } from "./helpers/nats.ts";
import { createTestRepo, tempDir } from "./helpers/git-repo.ts";
import type { TestRepo } from "./helpers/git-repo.ts";

interface Fixture {
  forge: LocalForge;
  repo: TestRepo;
  base: string;
  nats: TestNats;
}

async function fixture(t: ExecutionContext): Promise<Fixture> {
  const nats = await startTestNats(t);
  const repo = await createTestRepo(t);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const forge = await openLocalForge(nats.nc, { workDir: await tempDir(t, "patchbay-gw-work-"), gatewayUrl: base });
  const server = createGateway(new PatchbayClient(nats.nc), { forge, repos: await forgeRepoLister(nats.nc, forge) });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { forge, repo, base, nats };
}

async function get(url: string, accept?: string): Promise<{ status: number; type: string; text: string; csp: string }> {
  const res = await fetch(url, accept ? { headers: { accept } } : {});
  return {
    status: res.status,
    type: res.headers.get("content-type") ?? "",
    text: await res.text(),
    csp: res.headers.get("content-security-policy") ?? "",
  };
}

test("the pr_url page shows title, branches, state, labels, statuses, comments and diff stat, escaped", async (t) => {
  const f = await fixture(t);
  await f.repo.commit("feature", { "src/app.txt": "line 1\nline 2 changed\nline 3\nline 4\n" });
  const pr = await f.forge.createPullRequest(f.repo.dir, {
    title: "Add <b>bold</b> feature",
    head: "feature",
    base: "main",
    body: "Body & more",
    labels: ["quality-gate", "needs-review"],
  });
  await f.forge.setStatus(f.repo.dir, pr.number, {
    context: "patchbay/quality-gate",
    state: "success",
    description: "score 92",
    target_url: "javascript:alert(1)",
  });
  await f.forge.upsertComment(f.repo.dir, pr.number, {
    key: "gate",
    body: "Score 92 <script>alert('x')</script>\n  - [Lint] ok",
  });
  t.is(pr.url, `${f.base}/repos/${repoRef(f.repo.dir).key}/pulls/1`);

  const page = await get(pr.url);
  t.is(page.status, 200);
  t.regex(page.type, /^text\/html/);
  t.regex(page.csp, /default-src 'none'/);
  t.true(page.text.includes("Add &#60;b&#62;bold&#60;/b&#62; feature"), "title, escaped");
  t.regex(page.text, /<code>feature<\/code> → <code>main<\/code>/);
  t.regex(page.text, /class="state open">open</);
  t.regex(page.text, /<span class="label">quality-gate<\/span><span class="label">needs-review<\/span>/);
  t.regex(page.text, /patchbay\/quality-gate<\/td><td>score 92/);
  t.false(page.text.includes("javascript:"), "a non-http target is not a link");
  t.true(page.text.includes("Body &#38; more"));
  t.true(page.text.includes("Score 92 &#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62;\n  - [Lint] ok"));
  t.false(page.text.includes("<script"), "no markup from records reaches the page");
  t.regex(page.text, /src\/app\.txt\s+\|\s+3 \+\+-/);
  t.regex(page.text, /src\/feature\.txt\s+\|\s+1 \+/);
  t.regex(page.text, /2 files changed/);
});

test("list page, JSON API, merged PRs keep their diff stat, unknown repositories and numbers are 404", async (t) => {
  const f = await fixture(t);
  await f.repo.branch("second", { "docs.txt": "docs\n" });
  const first = await f.forge.createPullRequest(f.repo.dir, { title: "First", head: "feature", base: "main" });
  await f.forge.createPullRequest(f.repo.dir, { title: "Second", head: "second", base: "main" });
  const { merge_commit_sha: sha } = await f.forge.merge(f.repo.dir, first.number);
  const key = repoRef(f.repo.dir).key;

  const list = await get(`${f.base}/repos/${key}/pulls`);
  t.is(list.status, 200);
  t.regex(list.text, /href="\/repos\/[^"]+\/pulls\/1">#1<\/a><\/td><td>First/);
  t.regex(list.text, /#2<\/a><\/td><td>Second/);

  const merged = await get(first.url);
  t.regex(merged.text, /class="state merged">merged<\/span> as <code>[0-9a-f]{40}<\/code>/);
  t.regex(merged.text, /src\/feature\.txt\s+\|\s+1 \+/, "the merged PR still shows what it changed");

  const api = await get(`${f.base}/api/repos/${key}/pulls/1`);
  t.regex(api.type, /application\/json/);
  const json = JSON.parse(api.text) as {
    number: number;
    state: string;
    merge_commit_sha: string;
    diff_stat: string;
    url: string;
  };
  t.like(json, { number: 1, state: "merged", merge_commit_sha: sha, url: first.url });
  t.regex(json.diff_stat, /1 file changed/);
  t.deepEqual(
    (JSON.parse((await get(`${f.base}/api/repos/${key}/pulls`)).text) as Array<{ number: number }>).map(
      (p) => p.number,
    ),
    [1, 2],
  );

  t.is((await get(`${f.base}/repos/${key}/pulls/9`)).status, 404);
  t.is((await get(`${f.base}/repos/nope-000000000000/pulls/1`)).status, 404);
  t.is((await get(`${f.base}/api/repos/${key}/pulls/9`)).status, 404);
  t.is((await get(`${f.base}/repos/${key}/pulls/1%3Cscript%3E`)).status, 404);
});

test("issue pages resolve at the issue url", async (t) => {
  const f = await fixture(t);
  const issue = await f.forge.createIssue(f.repo.dir, {
    title: "Crash on <start>",
    body: "stack & trace",
    labels: ["bug"],
  });
  const page = await get(issue.url);
  t.is(page.status, 200);
  t.true(page.text.includes("Crash on &#60;start&#62;"));
  t.true(page.text.includes("stack &#38; trace"));
  t.regex(page.text, /<span class="label">bug<\/span>/);
});

test("/ indexes what the gateway serves; /repos lists the forge's repositories as HTML or JSON", async (t) => {
  const f = await fixture(t);
  const empty = await get(`${f.base}/`);
  t.is(empty.status, 200);
  t.regex(empty.type, /^text\/html/);
  t.regex(empty.csp, /default-src 'none'/);
  for (const path of ["/repos", "/api/repos", "/api/workflows", "/healthz"])
    t.true(empty.text.includes(`<a href="${path}">`), `links ${path}`);
  t.regex(empty.text, /<code>\/repos\/&#60;key&#62;\/pulls\/&#60;n&#62;<\/code>/);
  t.regex(empty.text, /No repositories yet/);
  t.deepEqual(JSON.parse((await get(`${f.base}/api/repos`)).text), []);

  const other = await createTestRepo(t);
  await f.forge.createPullRequest(f.repo.dir, { title: "One", head: "feature", base: "main" });
  await f.forge.createIssue(other.dir, { title: "Two" });
  const expected = [f.repo.dir, other.dir]
    .map((repo) => {
      const key = repoRef(repo).key;
      return { key, repo, pulls: `/repos/${key}/pulls`, issues: `/repos/${key}/issues` };
    })
    .sort((a, b) => a.repo.localeCompare(b.repo));
  const html = await get(`${f.base}/repos`, "text/html,application/xhtml+xml,*/*;q=0.8");
  t.is(html.status, 200);
  t.regex(html.type, /^text\/html/);
  for (const r of expected) {
    t.true(html.text.includes(`<td>${r.repo}</td><td><a href="${r.pulls}">pull requests</a>`), r.repo);
    t.is((await get(`${f.base}${r.pulls}`)).status, 200, "the link resolves");
  }
  for (const accept of ["application/json", undefined]) {
    const json = await get(`${f.base}${accept ? "/repos" : "/api/repos"}`, accept);
    t.regex(json.type, /^application\/json/);
    t.deepEqual(JSON.parse(json.text), expected);
  }
  const index = JSON.parse((await get(`${f.base}/`, "application/json")).text) as {
    endpoints: Array<{ path: string }>;
    repos: unknown;
  };
  t.deepEqual(index.repos, expected);
  t.true(index.endpoints.some((e) => e.path === "/healthz"));
  t.true((await get(`${f.base}/`)).text.includes(`<a href="${expected[0]!.issues}">issues</a>`));
});

test("a gateway without a forge indexes its API and has no /repos", async (t) => {
  const nats = await startTestNats(t);
  const port = await freePort();
  const server = createGateway(new PatchbayClient(nats.nc));
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const index = await get(`http://127.0.0.1:${port}/`);
  t.is(index.status, 200);
  t.true(index.text.includes(`<a href="/api/workflows">`));
  t.false(index.text.includes(`href="/repos"`));
  t.is((await get(`http://127.0.0.1:${port}/repos`)).status, 404);
});
