// Scenario: incident-swarm's merger tasks on the sample service repository, run as the actor
// host runs them, with a real nats-server (the forge bucket), real git and the real gateway:
// the hotfix PR opened with its labels, the manual issue, the postmortem committed on its
// branch and served by the gateway, the merge, and the revert that restores base's files
// through a merged `rollback` PR. A redelivery (the same task again) opens nothing new.
import test from "ava";
import type { ExecutionContext } from "ava";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  mergeBinding,
  openIssueBinding,
  openPrBinding,
  postmortemBinding,
  revertBinding,
} from "../actors/merger/index.ts";
import { createWorkspaces } from "../infra/git/index.ts";
import { openLocalForge, type LocalForge } from "../infra/forge/index.ts";
import { freePort } from "../infra/nats/launcher.ts";
import { PatchbayClient } from "../infra/client/index.ts";
import { createGateway } from "../services/gateway/server.ts";
import { createServiceRepo } from "../services/demo/service-repo.ts";
import { startTestNats } from "./helpers/nats.ts";
import { git, tempDir } from "./helpers/git-repo.ts";
import { PATCHBAY_AUTHOR, rawHandler, taskContext } from "./helpers/repos.ts";

interface Fixture {
  repo: string;
  forge: LocalForge;
  ports: { forge: LocalForge; workspaces: ReturnType<typeof createWorkspaces> };
}

async function fixture(t: ExecutionContext): Promise<Fixture> {
  const nats = await startTestNats(t);
  const repo = await createServiceRepo(join(await tempDir(t, "patchbay-incident-"), "api-service"));
  const port = await freePort();
  const work = await tempDir(t, "patchbay-incident-work-");
  const forge = await openLocalForge(nats.nc, {
    workDir: join(work, "gateway"),
    gatewayUrl: `http://127.0.0.1:${port}`,
  });
  const server = createGateway(new PatchbayClient(nats.nc), { forge });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const workspaces = createWorkspaces({ cacheDir: join(work, "merger"), author: PATCHBAY_AUTHOR });
  return { repo, forge, ports: { forge, workspaces } };
}

/** A branch from main with the pool raised to `size` (one commit); main stays checked out. */
async function hotfixBranch(repo: string, branch: string, size: number): Promise<void> {
  await git(repo, "checkout", "--quiet", "-b", branch);
  const file = join(repo, "config/database.yaml");
  await writeFile(file, (await readFile(file, "utf8")).replace("max_connections: 100", `max_connections: ${size}`));
  await git(repo, "commit", "--quiet", "-am", `Raise the pool to ${size}`);
  await git(repo, "checkout", "--quiet", "main");
}

const HOTFIX = "patchbay/hotfix-alert-1";
const prInput = (repo: string) => ({
  repo,
  head: HOTFIX,
  base: "main",
  title: "Hotfix: raise the database pool",
  body: "The pool was lowered to 100.",
  labels: ["hotfix", "severity:critical"],
});

test("open-pr opens the hotfix PR with its labels; a redelivery answers the same PR", async (t) => {
  const f = await fixture(t);
  await hotfixBranch(f.repo, HOTFIX, 200);
  const open = rawHandler(openPrBinding(f.ports));
  const first = (await open(prInput(f.repo), taskContext("incident.open-pr"))) as { number: number; url: string };
  t.like(await f.forge.getPullRequest(f.repo, first.number), { labels: ["hotfix", "severity:critical"] });
  const again = await open(prInput(f.repo), taskContext("incident.open-pr"));
  t.deepEqual(again, first);
  const prs = await f.forge.listPullRequests(f.repo);
  t.is(prs.length, 1);
  t.like(prs[0], { head: HOTFIX, base: "main", state: "open", labels: ["hotfix", "severity:critical"] });
  t.is(first.url, prs[0].url);
  t.is((await fetch(first.url)).status, 200);
});

test("open-issue opens one issue per task: a redelivery finds it by the task's marker", async (t) => {
  const f = await fixture(t);
  const open = rawHandler(openIssueBinding(f.ports));
  const input = { repo: f.repo, title: "Connection pool exhausted", body: "Fix it by hand.", labels: ["incident"] };
  const first = (await open(input, taskContext("incident.open-issue"))) as { number: number; url: string };
  t.deepEqual(await open(input, taskContext("incident.open-issue")), first);
  const other = { ...taskContext("incident.open-issue"), idempotencyKey: "wf-other/1/issue" };
  const second = (await open(input, other)) as { number: number };
  t.not(second.number, first.number, "another task opens its own issue");
  const issues = await f.forge.listIssues(f.repo);
  t.is(issues.length, 2);
  t.like(issues[0], { title: "Connection pool exhausted", labels: ["incident"] });
  t.true(issues[0].body.startsWith("Fix it by hand.\n\nPatchbay-Task: wf-test/1/t1"));
});

test("postmortem commits docs/postmortems/<id>.md on its branch as patchbay; the gateway serves it", async (t) => {
  const f = await fixture(t);
  const write = rawHandler(postmortemBinding(f.ports));
  const markdown = "# Postmortem: alert-1\n\nThe pool was <100> & too small.\n";
  const input = { repo: f.repo, base: "main", branch: "patchbay/postmortem-alert-1", alert_id: "alert-1", markdown };
  const out = (await write(input, taskContext("incident.postmortem"))) as Record<string, string>;
  t.like(out, { path: "docs/postmortems/alert-1.md", branch: "patchbay/postmortem-alert-1" });
  t.is(await git(f.repo, "rev-parse", "patchbay/postmortem-alert-1"), out.commit_sha);
  t.is(await git(f.repo, "show", `${out.commit_sha}:docs/postmortems/alert-1.md`), markdown.trimEnd());
  t.is(await git(f.repo, "log", "-1", "--format=%an <%ae>", out.commit_sha), "patchbay <patchbay@example.invalid>");
  t.is(await git(f.repo, "rev-parse", `${out.commit_sha}^`), await git(f.repo, "rev-parse", "main"));

  t.regex(
    out.url,
    /\/repos\/api-service-[0-9a-f]{12}\/files\/patchbay\/postmortem-alert-1\/docs\/postmortems\/alert-1\.md$/,
  );
  const page = await fetch(out.url);
  const html = await page.text();
  t.is(page.status, 200, html);
  t.true(html.includes("The pool was &#60;100&#62; &#38; too small."), "the markdown, escaped");
  t.is((await fetch(out.url.replace("alert-1.md", "nope.md"))).status, 404);

  t.deepEqual(await write(input, taskContext("incident.postmortem")), out, "a redelivery commits nothing new");
  t.is(await git(f.repo, "rev-parse", "patchbay/postmortem-alert-1"), out.commit_sha);
  await t.throwsAsync(write({ ...input, alert_id: "../x" }, taskContext("incident.postmortem")), {
    message: /not a valid file name/,
  });
});

test("merge merges the hotfix; revert restores main's files through a merged rollback PR, once", async (t) => {
  const f = await fixture(t);
  await hotfixBranch(f.repo, HOTFIX, 200);
  const before = await git(f.repo, "show", "main:config/database.yaml");
  const { number } = (await rawHandler(openPrBinding(f.ports))(prInput(f.repo), taskContext("incident.open-pr"))) as {
    number: number;
  };
  const merge = rawHandler(mergeBinding(f.ports));
  const merged = (await merge({ repo: f.repo, number }, taskContext("incident.merge"))) as { merge_commit_sha: string };
  t.deepEqual(await merge({ repo: f.repo, number }, taskContext("incident.merge")), merged);
  t.is(await git(f.repo, "rev-parse", "main"), merged.merge_commit_sha);
  t.regex(await git(f.repo, "show", "main:config/database.yaml"), /max_connections: 200/);

  const revert = rawHandler(revertBinding(f.ports));
  const input = {
    repo: f.repo,
    base: "main",
    merge_commit_sha: merged.merge_commit_sha,
    alert_id: "alert-1",
    reason: "verification failed",
  };
  const out = (await revert(input, taskContext("incident.revert"))) as {
    number: number;
    url: string;
    revert_commit_sha: string;
  };
  t.is(await git(f.repo, "show", "main:config/database.yaml"), before, "main's files are restored");
  t.is(await git(f.repo, "rev-parse", "patchbay/revert-alert-1"), out.revert_commit_sha);
  t.regex(
    await git(f.repo, "log", "-1", "--format=%B", out.revert_commit_sha),
    /This reverts commit [0-9a-f]{40}\.\n\nverification failed/,
  );
  const rollback = await f.forge.getPullRequest(f.repo, out.number);
  t.like(rollback, { head: "patchbay/revert-alert-1", state: "merged", labels: ["rollback"], url: out.url });

  t.deepEqual(await revert(input, taskContext("incident.revert")), out, "a redelivery reverts nothing again");
  t.is((await f.forge.listPullRequests(f.repo)).length, 2);
});

test("revert of a plain (non-merge) commit reverts it without -m", async (t) => {
  const f = await fixture(t);
  const lowered = await git(f.repo, "rev-parse", "main");
  const out = (await rawHandler(revertBinding(f.ports))(
    { repo: f.repo, base: "main", merge_commit_sha: lowered, alert_id: "alert-2", reason: "" },
    taskContext("incident.revert"),
  )) as { revert_commit_sha: string };
  t.regex(await git(f.repo, "show", "main:config/database.yaml"), /max_connections: 150/);
  t.is(await git(f.repo, "rev-list", "--count", "--no-merges", `${lowered}..main`), "1");
  t.truthy(out.revert_commit_sha);
});
