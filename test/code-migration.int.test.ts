// code-migration end to end on a real nats-server, its roles in-process with their real ports
// (git workspaces, the analysis pool, the checker's real test runs, the local forge), on a small
// Node project with custom plans of the fixture codemods: a plan that passes gives one commit
// per step and a PR with the report; a plan whose fourth step breaks the tests reverts steps
// 3, 2 and 1 in that order, and the branch's tree ends equal to the start; a plan naming an
// unknown codemod fails with INVALID_PLAN before any step.
import test, { type ExecutionContext } from "ava";
import { join } from "node:path";
import { migrationBindings } from "../actors/coder/index.ts";
import { codemodRegistry } from "../infra/codemods/registry.ts";
import { loadConfig } from "../infra/config.ts";
import { openArtifacts } from "../infra/nats/artifacts.ts";
import type { MigrationResult } from "../protocol/code-migration.ts";
import { coderPorts } from "../services/role-ports.ts";
import { FIXTURE_CODEMODS, FIXTURE_PROJECT, fixturePlan } from "./fixtures/migration/codemods.ts";
import { git, initRepo, rawHandler, taskContext, tempDir } from "./helpers/repos.ts";
import { migrationCluster } from "./helpers/migration-cluster.ts";

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

async function cluster(t: ExecutionContext) {
  const { home, c, forge, nc } = await migrationCluster(t, (fn) => cleanups.push(fn), FIXTURE_CODEMODS);
  const repo = join(home, "repos", "fixture");
  await initRepo(repo, FIXTURE_PROJECT);
  return { repo, c, forge, nc };
}

const custom = { migration_type: "custom", source_version: "es5", target_version: "strict" } as const;

/** The branch's subjects, newest first. */
async function subjects(repo: string, branch: string): Promise<string[]> {
  return (await git(repo, "log", "--format=%s", `main..${branch}`)).split("\n").filter(Boolean);
}

test.serial("a plan that passes: one commit per step, tests after each, a PR with the report", async (t) => {
  t.timeout(300_000);
  const { repo, c, forge, nc } = await cluster(t);
  const plan = fixturePlan("var-to-const", "double-quotes", "use-strict");
  await c.start("code-migration", { ...custom, repo, plan }, { id: "mig-ok" });
  const rec = await c.wait("mig-ok", 240_000);
  t.is(rec.status, "completed", JSON.stringify(rec.error));
  const result = rec.result as MigrationResult;
  t.like(result, { total_steps: 3, completed_steps: 3, failed_steps: 0, rollback_performed: false });
  t.deepEqual(
    result.step_results.map((r) => [r.step_id, r.success, r.changes[r.step_id], r.tests?.split(" — ")[0]]),
    [
      ["var-to-const", true, 2, "2/2 passed"],
      ["double-quotes", true, 2, "2/2 passed"],
      ["use-strict", true, 2, "2/2 passed"],
    ],
  );
  t.deepEqual(await subjects(repo, result.branch), [
    "migration(use-strict): apply use-strict",
    "migration(double-quotes): apply double-quotes",
    "migration(var-to-const): apply var-to-const",
  ]);
  t.is(
    await git(repo, "show", `${result.branch}:lib/answer.js`),
    '"use strict";\nconst answer = 42;\nmodule.exports = { answer: answer, label: "answer" };',
  );
  const [pr] = await forge.listPullRequests(repo);
  t.is(result.final_pr_url, pr?.url ?? "");
  t.deepEqual(pr?.labels.sort(), ["automated", "migration"]);
  t.regex(pr?.body ?? "", /\| 2 \| `double-quotes` apply double-quotes \| 2 \| double-quotes 2 \| 0 \| 2\/2 passed/);
  const report = JSON.parse((await (await openArtifacts(nc)).get(result.analysis)) ?? "{}") as {
    files_scanned?: number;
  };
  t.is(report.files_scanned, 4);
  t.is(await git(repo, "rev-list", "--count", "main"), "1", "main is untouched");
});

test.serial(
  "the fourth step breaks the tests: steps 3, 2, 1 reverted in that order, the tree as at the start",
  async (t) => {
    t.timeout(300_000);
    const { repo, c, forge } = await cluster(t);
    const start = await git(repo, "rev-parse", "main^{tree}");
    const plan = fixturePlan("var-to-const", "double-quotes", "use-strict", "off-by-one");
    await c.start("code-migration", { ...custom, repo, plan }, { id: "mig-fail" });
    const rec = await c.wait("mig-fail", 240_000);
    t.is(rec.status, "failed");
    t.is(rec.error?.code, "MIGRATION_TESTS_FAILED");
    t.regex(rec.error?.message ?? "", /^off-by-one: its tests did not pass \(failed\): 1\/2 passed/);
    const result = rec.result as MigrationResult;
    t.like(result, {
      rollback_performed: true,
      final_pr_url: null,
      tree_restored: true,
      completed_steps: 3,
      failed_steps: 1,
    });
    t.deepEqual(
      result.step_results.map((r) => [r.step_id, r.success, r.reverted]),
      [
        ["var-to-const", true, true],
        ["double-quotes", true, true],
        ["use-strict", true, true],
        ["off-by-one", false, false],
      ],
    );
    t.deepEqual(await subjects(repo, result.branch), [
      "revert migration(var-to-const)",
      "revert migration(double-quotes)",
      "revert migration(use-strict)",
      "migration(use-strict): apply use-strict",
      "migration(double-quotes): apply double-quotes",
      "migration(var-to-const): apply var-to-const",
    ]);
    t.is(await git(repo, "rev-parse", `${result.branch}^{tree}`), start);
    t.deepEqual(await forge.listPullRequests(repo), []);
  },
);

test.serial("a plan naming a codemod that does not exist fails with INVALID_PLAN before any step", async (t) => {
  t.timeout(120_000);
  const { repo, c } = await cluster(t);
  const plan = fixturePlan("var-to-const", "no-such-codemod");
  await c.start("code-migration", { ...custom, repo, plan }, { id: "mig-bad" });
  const rec = await c.wait("mig-bad", 60_000);
  t.is(rec.status, "failed");
  t.is(rec.error?.code, "INVALID_PLAN");
  t.regex(rec.error?.message ?? "", /unknown codemod\(s\) no-such-codemod/);
  t.is(await git(repo, "branch", "--list", "patchbay/*"), "");
});

test.serial("a step delivered again after its push reports the same commit and applies nothing twice", async (t) => {
  const home = await tempDir("patchbay-migration-", (fn) => cleanups.push(fn));
  const repo = join(home, "repos", "fixture");
  const base = await initRepo(repo, FIXTURE_PROJECT);
  const cfg = loadConfig({ PATCHBAY_HOME: home });
  const codemods = codemodRegistry(FIXTURE_CODEMODS);
  const [step] = migrationBindings({ ...coderPorts(cfg), codemods });
  const input = {
    repo,
    base: "main",
    branch: "patchbay/migrate-again",
    parent_sha: base,
    step: { id: "var-to-const", title: "var", codemods: ["var-to-const"], validate: true },
    index: 1,
    total: 1,
  };
  const first = await rawHandler(step)(input, taskContext("migration.step"));
  const again = await rawHandler(step)(input, taskContext("migration.step"));
  t.deepEqual(again, first);
  t.like(first, { parent_sha: base, files_changed: ["lib/answer.js", "lib/greet.js"], changes: { "var-to-const": 2 } });
  t.is(await git(repo, "rev-list", "--count", `main..patchbay/migrate-again`), "1");
});
