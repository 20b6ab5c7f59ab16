// Scenario: `patchbay pr create|list|show|merge --json`, as real CLI processes against a test
// nats-server and a real repository on disk: parallel creates from separate processes get
// distinct numbers, a repeated create returns the open PR, urls use PATCHBAY_GATEWAY_URL, merge
// pushes a two-parent merge commit to the origin's main, failures exit 1 with one line (one JSON
// error object with --json), an empty list says so, a pr_url resolves from the gateway process,
// also after the gateway restarted, and with two gateways on two NATS servers each CLI link is
// the gateway of the NATS the CLI talks to.
import test from "ava";
import type { ExecutionContext } from "ava";
import type { PullRequest } from "../infra/forge/index.ts";
import { repoRef } from "../infra/forge/index.ts";
import { freePort } from "../infra/nats/launcher.ts";
import { runCli } from "./helpers/cli.ts";
import { spawnService } from "./helpers/processes.ts";
import { startTestNats } from "./helpers/nats.ts";
import { createTestRepo, tempDir } from "./helpers/git-repo.ts";
import type { TestRepo } from "./helpers/git-repo.ts";

const GATEWAY = "http://pb.example.test:7070";

interface Fixture {
  repo: TestRepo;
  env: Record<string, string>;
  pr: (...args: string[]) => ReturnType<typeof runCli>;
}

async function fixture(t: ExecutionContext, gatewayUrl = GATEWAY): Promise<Fixture> {
  const nats = await startTestNats(t);
  const repo = await createTestRepo(t);
  const home = await tempDir(t, "patchbay-cli-home-");
  const env = {
    PATCHBAY_HOME: home,
    PATCHBAY_WORK_DIR: `${home}/work`,
    PATCHBAY_GATEWAY_URL: gatewayUrl,
    NATS_URL: nats.url,
  };
  return { repo, env, pr: (...args) => runCli(["pr", ...args], { env }) };
}

function parsed<T>(t: ExecutionContext, result: { code: number | null; stdout: string; stderr: string }): T {
  t.is(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as T;
}

test("pr create/list/show/merge --json through the CLI", async (t) => {
  const f = await fixture(t);
  await f.repo.branch("second", { "docs.txt": "docs\n" });
  await f.repo.branch("third", { "more.txt": "more\n" });
  const creates = await Promise.all(
    ["feature", "second", "third"].map((head) =>
      f.pr(
        "create",
        "--repo",
        f.repo.dir,
        "--head",
        head,
        "--title",
        `PR from ${head}`,
        "--label",
        "cli",
        "--label",
        head,
        "--json",
      ),
    ),
  );
  const created = creates.map((r) => parsed<PullRequest>(t, r));
  t.deepEqual(created.map((p) => p.number).sort(), [1, 2, 3]);
  const feature = created.find((p) => p.head === "feature") as PullRequest;
  t.like(feature, {
    base: "main",
    state: "open",
    title: "PR from feature",
    labels: ["cli", "feature"],
    repo: f.repo.dir,
  });
  t.is(feature.url, `${GATEWAY}/repos/${repoRef(f.repo.dir).key}/pulls/${feature.number}`);

  const again = parsed<PullRequest>(
    t,
    await f.pr("create", "--repo", f.repo.dir, "--head", "feature", "--base", "main", "--title", "dup", "--json"),
  );
  t.is(again.number, feature.number, "an open PR for the same branches is returned");

  const listed = parsed<PullRequest[]>(t, await f.pr("list", "--repo", f.repo.dir, "--json"));
  t.deepEqual(
    listed.map((p) => p.number),
    [1, 2, 3],
  );

  const mainBefore = await f.repo.sha("main");
  const merged = parsed<PullRequest>(t, await f.pr("merge", String(feature.number), "--repo", f.repo.dir, "--json"));
  t.is(merged.state, "merged");
  t.is(await f.repo.sha("main"), merged.merge_commit_sha ?? "(none)");
  t.is(
    await f.repo.git("rev-list", "--parents", "-n", "1", "main"),
    `${merged.merge_commit_sha} ${mainBefore} ${await f.repo.sha("feature")}`,
  );

  const shown = parsed<PullRequest>(t, await f.pr("show", String(feature.number), "--repo", f.repo.dir, "--json"));
  t.like(shown, { number: feature.number, state: "merged", merge_commit_sha: merged.merge_commit_sha });
  const open = parsed<PullRequest[]>(t, await f.pr("list", "--repo", f.repo.dir, "--state", "open", "--json"));
  t.deepEqual(open.map((p) => p.head).sort(), ["second", "third"]);
});

test("pr commands print text and fail with one line and exit 1", async (t) => {
  const f = await fixture(t);
  const url = await f.pr("create", "--repo", f.repo.dir, "--head", "feature", "--title", "Text mode");
  t.is(url.code, 0, url.stderr);
  t.is(url.stdout.trim(), `${GATEWAY}/repos/${repoRef(f.repo.dir).key}/pulls/1`);
  const list = await f.pr("list", "--repo", f.repo.dir);
  t.regex(list.stdout, /^#1\topen\s*\tfeature → main\tText mode\n$/);
  const show = await f.pr("show", "1", "--repo", f.repo.dir);
  t.regex(show.stdout, /^#1 Text mode\nstate: {4}open\nbranches: feature → main\n/);

  const failures: Array<[string[], RegExp]> = [
    [["show", "7", "--repo", f.repo.dir], /^error: PR_NOT_FOUND /],
    [["create", "--repo", f.repo.dir, "--head", "missing", "--title", "x"], /^error: BRANCH_NOT_FOUND /],
    [["create", "--repo", `${f.repo.dir}/nope`, "--head", "feature", "--title", "x"], /^error: REPO_NOT_FOUND /],
    [["list", "--repo", f.repo.dir, "--state", "weird"], /^error: INVALID_INPUT /],
    [["merge", "abc", "--repo", f.repo.dir], /^error: INVALID_INPUT /],
  ];
  for (const [args, pattern] of failures) {
    const r = await f.pr(...args);
    t.is(r.code, 1, args.join(" "));
    t.regex(r.stderr, pattern);
    t.is(r.stderr.trim().split("\n").length, 1, r.stderr);
  }
  const json = await f.pr("show", "7", "--repo", f.repo.dir, "--json");
  t.is(json.code, 1);
  t.is(json.stderr, "");
  t.deepEqual(JSON.parse(json.stdout), {
    error: { code: "PR_NOT_FOUND", message: `no pull request #7 in ${f.repo.dir}` },
  });
  const none = await f.pr("list", "--repo", f.repo.dir, "--state", "merged");
  t.is(none.stdout, "no pull requests (--state merged)\n");
});

test("a pr_url resolves from the gateway process, and again after the gateway restarted", async (t) => {
  const port = await freePort();
  const f = await fixture(t, `http://127.0.0.1:${port}`);
  const created = parsed<PullRequest>(
    t,
    await f.pr("create", "--repo", f.repo.dir, "--head", "feature", "--title", "Served", "--json"),
  );
  t.true(created.url.startsWith(`http://127.0.0.1:${port}/repos/`));
  const gatewayEnv = { ...f.env, PATCHBAY_GATEWAY_PORT: String(port) };
  const first = await spawnService(t, "gateway", "services/gateway/main.ts", gatewayEnv);
  const before = await fetch(created.url);
  t.is(before.status, 200);
  t.regex(await before.text(), /<h1>Served <span class="muted">#1<\/span><\/h1>/);
  await first.kill("SIGTERM");
  await spawnService(t, "gateway", "services/gateway/main.ts", gatewayEnv);
  const after = await fetch(created.url);
  t.is(after.status, 200);
  t.regex(await after.text(), /src\/feature\.txt\s+\|\s+1 \+/);
});

test("with two gateways on two NATS servers, pr create prints the gateway of the NATS it talks to", async (t) => {
  const f = await fixture(t, "http://not-this-one.example.test:7070");
  const other = await startTestNats(t);
  const gateways = await Promise.all(
    [f.env.NATS_URL!, other.url].map(async (natsUrl, i) => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const env = { ...f.env, NATS_URL: natsUrl, PATCHBAY_GATEWAY_PORT: String(port), PATCHBAY_GATEWAY_URL: url };
      await spawnService(t, `gateway-${i}`, "services/gateway/main.ts", env);
      return { natsUrl, url };
    }),
  );
  const key = repoRef(f.repo.dir).key;
  for (const g of gateways) {
    const r = await runCli(
      ["pr", "create", "--repo", f.repo.dir, "--head", "feature", "--title", "T", "--nats", g.natsUrl],
      {
        env: f.env,
      },
    );
    t.is(r.code, 0, r.stderr);
    t.is(r.stdout, `${g.url}/repos/${key}/pulls/1\n`, "the gateway of this NATS, not PATCHBAY_GATEWAY_URL");
    t.is((await fetch(r.stdout.trim())).status, 200, "and that gateway serves it");
    const repos = (await (await fetch(`${g.url}/repos`, { headers: { accept: "application/json" } })).json()) as Array<{
      key: string;
    }>;
    t.deepEqual(
      repos.map((x) => x.key),
      [key],
    );
  }
});
