// Proves the quality-gate workflow end to end with real processes (coordinator, two checker
// processes, coder, merger), real git repositories and the local forge: seed example 1 on a
// generated Node repo (50 unit + 15 integration tests pass, 3 lint issues auto-fixed in one
// commit on the branch and re-checked, coverage ≥ 80%, can_merge, a PR status and one comment
// with the table); seed example 2 (5 of 50 tests failing, coverage under 80%, an SQL injection
// → exactly three blocking issues, can_merge false); a Python unittest repository gets real
// results; the eight checks overlap across both checker processes; a hanging check is cut at
// its timeout and a missing test command fails clearly; a repository's own weights and
// required checks are honoured; a missing branch or repo fails the workflow at its first step;
// the CLI refuses a coverage of 180 naming the field.
import test, { type ExecutionContext } from "ava";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestNats, type TestNats } from "./helpers/nats.ts";
import { spawnService } from "./helpers/processes.ts";
import { runCli, sharedContext } from "./helpers/cli.ts";
import { git } from "./helpers/git-repo.ts";
import { SEED_BLOCK, SEED_PASS, makeNodeSeedRepo } from "./fixtures/repos/node-seed.ts";
import { PYTHON_SEED, makePythonRepo } from "./fixtures/repos/python-seed.ts";
import { createTwoBranchRepo } from "../services/demo/two-branch-repo.ts";
import { PatchbayClient } from "../infra/client/index.ts";
import { openLocalForge, type LocalForge } from "../infra/forge/index.ts";
import { AUTOFIX_MESSAGE } from "../actors/coder/index.ts";
import type { CheckResult, QualityGateResult } from "../protocol/quality-gate.ts";

interface Deployment {
  nats: TestNats;
  client: PatchbayClient;
  forge: LocalForge;
  dir: string;
}

const suite = sharedContext("quality-gate e2e");
let d: Deployment;

test.before(async () => {
  const nats = await startTestNats(suite.t);
  const dir = await mkdtemp(join(tmpdir(), "patchbay-gate-"));
  suite.t.teardown(() => rm(dir, { recursive: true, force: true }));
  const env = { NATS_URL: nats.url, PATCHBAY_HOME: join(dir, "home"), PATCHBAY_GATEWAY_URL: "http://gateway.test" };
  await Promise.all([
    spawnService(suite.t, "coordinator", "services/coordinator/main.ts", env),
    spawnService(suite.t, "checker-1", "services/checker/main.ts", env),
    spawnService(suite.t, "checker-2", "services/checker/main.ts", env),
    spawnService(suite.t, "coder", "services/coder/main.ts", env),
    spawnService(suite.t, "merger", "services/merger/main.ts", env),
  ]);
  const client = new PatchbayClient(nats.nc);
  suite.t.teardown(() => client.close());
  const forge = await openLocalForge(nats.nc, {
    workDir: join(dir, "home", "work"),
    gatewayUrl: "http://gateway.test",
  });
  d = { nats, client, forge, dir };
});

test.after.always(() => suite.teardown());

async function gate(id: string, input: Record<string, unknown>): Promise<QualityGateResult> {
  await d.client.start("quality-gate", input, { id });
  const rec = await d.client.wait(id, 300_000);
  if (rec.status !== "completed") throw new Error(`${id} ${rec.status}: ${rec.error?.code} ${rec.error?.message}`);
  return rec.result as QualityGateResult;
}

const check = (r: QualityGateResult, id: CheckResult["id"]) => r.checks.find((c) => c.id === id) as CheckResult;

test.serial("seed example 1: everything passes after 3 lint issues are auto-fixed in one commit", async (t) => {
  const repo = await makeNodeSeedRepo(join(d.dir, "seed-pass"), "pass");
  const before = (await git(repo.dir, "rev-parse", repo.branch)).trim();
  const pr = await d.forge.createPullRequest(repo.dir, { title: "Add notifications", head: repo.branch, base: "main" });
  const r = await gate("gate-seed-1", { repo: repo.dir, pr_number: pr.number });
  t.deepEqual(
    [check(r, "unit_tests").metrics.passed, check(r, "unit_tests").metrics.total],
    [SEED_PASS.unit, SEED_PASS.unit],
  );
  t.deepEqual(
    [check(r, "integration_tests").metrics.passed, check(r, "integration_tests").metrics.total],
    [SEED_PASS.integration, SEED_PASS.integration],
  );
  t.true(check(r, "coverage").metrics.coverage >= 80, `coverage ${check(r, "coverage").metrics.coverage}`);
  t.true(r.auto_fixes_applied);
  t.is(r.auto_fix?.fixed, SEED_PASS.lintFixable, "the 3 lint issues were fixed");
  t.true(check(r, "lint").passed, "lint re-checked after the fix");
  t.true(r.can_merge && r.required_checks_passed);
  t.deepEqual(r.blocking_issues, []);
  t.is(r.checks.length, 8);
  // One commit with the fixes on the branch, in the origin, by patchbay.
  const log = (await git(repo.dir, "log", "--format=%H %an %s", `${before}..${repo.branch}`)).trim().split("\n");
  t.is(log.length, 1);
  t.true(log[0].includes(AUTOFIX_MESSAGE) && log[0].includes("patchbay"), log[0]);
  t.is(r.head_sha, log[0].split(" ")[0]);
  const after = await d.forge.getPullRequest(repo.dir, pr.number);
  t.is(after?.statuses.find((s) => s.context === "patchbay/quality-gate")?.state, "success");
  t.is(after?.comments.length, 1);
  t.regex(after?.comments[0].body ?? "", /\| Check \| Result \| Score \|[\s\S]*\| Unit Tests \| passed/);
  assertOverlap(t, r);
});

/** The checks ran on both checker processes, and a slow check did not hold the others. */
function assertOverlap(t: ExecutionContext, r: QualityGateResult): void {
  const runners = new Set(r.checks.map((c) => c.runner));
  t.true(runners.size >= 2, `checks ran on ${[...runners].join(", ")}`);
  const slowest = r.checks.reduce((a, b) => (b.duration_ms > a.duration_ms ? b : a));
  const doneMeanwhile = r.checks.filter(
    (c) => c !== slowest && c.finished_at < slowest.finished_at && c.finished_at > slowest.started_at,
  );
  t.true(doneMeanwhile.length >= 1, "other checks finished while the slowest one ran");
  const otherRunner = r.checks.some(
    (c) => c.runner !== slowest.runner && c.started_at < slowest.finished_at && c.finished_at > slowest.started_at,
  );
  t.true(otherRunner, "another process ran a check at the same time");
}

test.serial("seed example 2: exactly three blocking issues, can_merge false", async (t) => {
  const repo = await makeNodeSeedRepo(join(d.dir, "seed-block"), "block");
  const pr = await d.forge.createPullRequest(repo.dir, { title: "New API", head: repo.branch, base: "main" });
  const r = await gate("gate-seed-2", { repo: repo.dir, pr_number: pr.number });
  const coverage = check(r, "coverage").metrics.coverage;
  t.true(coverage < 80 && coverage <= SEED_BLOCK.maxCoverage, `coverage ${coverage}`);
  t.deepEqual(r.blocking_issues, [
    `[Unit Tests] ${SEED_BLOCK.unitFailing} test failures`,
    "[Security Scan] Critical: SQL injection vulnerability",
    `[Code Coverage] Coverage ${Math.round(coverage * 10) / 10}% < required 80%`,
  ]);
  t.false(r.can_merge);
  const after = await d.forge.getPullRequest(repo.dir, pr.number);
  t.is(after?.statuses.find((s) => s.context === "patchbay/quality-gate")?.state, "failure");
  t.regex(after?.comments[0].body ?? "", /Blocking issues[\s\S]*SQL injection/);
  // A re-run updates the comment instead of adding another.
  await gate("gate-seed-2-again", { repo: repo.dir, pr_number: pr.number, attempt_auto_fix: false });
  t.is((await d.forge.getPullRequest(repo.dir, pr.number))?.comments.length, 1);
});

test.serial("a Python unittest repository gets real results", async (t) => {
  const repo = await makePythonRepo(join(d.dir, "python"));
  const r = await gate("gate-python", { repo: repo.dir, branch: repo.branch, attempt_auto_fix: false });
  const unit = check(r, "unit_tests");
  t.deepEqual([unit.metrics.total, unit.metrics.failed], [PYTHON_SEED.unit, PYTHON_SEED.unitFailing]);
  t.is(check(r, "integration_tests").metrics.total, PYTHON_SEED.integration);
  t.true(
    check(r, "lint").issues.some((i) => /imported but unused/.test(i.message)),
    JSON.stringify(check(r, "lint").issues),
  );
  t.is(typeof check(r, "coverage").metrics.coverage, "number");
  t.is(r.pr_number, null);
});

async function tinyRepo(name: string, testScript: string, packageExtra: Record<string, unknown> = {}): Promise<string> {
  const dir = join(d.dir, name);
  const files = {
    "package.json": JSON.stringify(
      { name, version: "1.0.0", scripts: { "test:unit": testScript }, ...packageExtra },
      null,
      2,
    ),
    "package-lock.json": JSON.stringify(
      { name, version: "1.0.0", lockfileVersion: 3, requires: true, packages: { "": { name, version: "1.0.0" } } },
      null,
      2,
    ),
    "src/index.js": "export const one = () => 1;\n",
  };
  await createTwoBranchRepo(dir, {
    branch: "feature/x",
    baseFiles: files,
    featureFiles: { "src/two.js": "export const two = () => 2;\n" },
    baseMessage: "base",
    featureMessage: "feature",
  });
  return dir;
}

test.serial("a hanging check is cut at its timeout; a missing test command fails clearly", async (t) => {
  const hanging = await tinyRepo("hangs", 'node -e "setInterval(() => {}, 1000)"');
  const missing = await tinyRepo("missing", "no-such-test-runner --all");
  const common = {
    branch: "feature/x",
    checks: ["unit_tests", "lint"],
    check_timeout_ms: 10_000, // room for eslint on a loaded machine; the hang is cut all the same
    attempt_auto_fix: false,
  };
  const [h, m] = await Promise.all([
    gate("gate-hangs", { repo: hanging, ...common }),
    gate("gate-missing", { repo: missing, ...common }),
  ]);
  const hu = check(h, "unit_tests");
  t.false(hu.passed);
  t.regex(hu.issues.map((i) => i.message).join("\n"), /timed out after/);
  t.true(check(h, "lint").passed, "the other check still ran");
  const mu = check(m, "unit_tests");
  t.false(mu.passed);
  t.regex(`${mu.summary}\n${mu.issues.map((i) => i.message).join("\n")}`, /no-such-test-runner|not found|127/);
});

test.serial("weights and required checks come from the repository's package.json", async (t) => {
  const gateConfig = { patchbay: { gate: { required: ["lint"], weights: { unit_tests: 0 } } } };
  const repo = await tinyRepo("configured", "no-such-test-runner", gateConfig);
  const r = await gate("gate-configured", {
    repo,
    branch: "feature/x",
    checks: ["unit_tests", "lint"],
    attempt_auto_fix: false,
  });
  t.false(check(r, "unit_tests").passed);
  t.false(check(r, "unit_tests").required, "the repository made only lint required");
  t.true(check(r, "lint").required);
  t.deepEqual(r.blocking_issues, []);
  t.is(r.overall_score, check(r, "lint").score, "unit tests weigh nothing here");
  t.true(r.can_merge);
});

test.serial("a missing branch or repository fails the workflow at its first step, creating nothing", async (t) => {
  const repo = await tinyRepo("exists", "node -e 0");
  await d.client.start("quality-gate", { repo, branch: "feature/nope" }, { id: "gate-no-branch" });
  const noBranch = await d.client.wait("gate-no-branch", 60_000);
  t.is(noBranch.status, "failed");
  t.is(noBranch.error?.code, "BRANCH_NOT_FOUND");
  await d.client.start("quality-gate", { repo: join(d.dir, "no-such-repo"), branch: "main" }, { id: "gate-no-repo" });
  const noRepo = await d.client.wait("gate-no-repo", 60_000);
  t.is(noRepo.error?.code, "REPO_NOT_FOUND");
  const tasks = (await d.client.history("gate-no-branch")).filter(
    (e) => e.message?.type === "task.completed/v1" || e.message?.type === "task.failed/v1",
  );
  t.deepEqual(
    tasks.map((e) => (e.message?.data as { task_id: string }).task_id),
    ["resolve"],
    "only the resolve step ran",
  );
  t.deepEqual(await d.forge.listPullRequests(repo), []);
});

test.serial("the CLI refuses a coverage of 180, naming the field", async (t) => {
  const input = join(d.dir, "bad-input.json");
  await writeFile(input, JSON.stringify({ repo: "/tmp/x", branch: "main", required_coverage: 180 }));
  const r = await runCli(["start", "quality-gate", "--input", input, "--nats", d.nats.url], {
    env: { PATCHBAY_HOME: join(d.dir, "cli-home") },
  });
  t.is(r.code, 1);
  t.regex(r.stderr, /required_coverage/);
  t.is(await d.client.status("quality-gate-x"), undefined);
});
