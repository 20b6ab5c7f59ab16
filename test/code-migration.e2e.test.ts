// code-migration with real processes (the coordinator, architect, planner, coder, checker and
// merger mains, the fixture codemods loaded through PATCHBAY_CODEMODS): the coordinator is
// SIGKILLed after the first step and restarted, the coder is SIGKILLed while it runs the second
// step and restarted; the migration resumes and ends with exactly one commit per step (the
// redelivered step is not applied twice) and the PR.
import test from "ava";
import { join } from "node:path";
import { PatchbayClient } from "../infra/client/index.ts";
import type { MigrationResult } from "../protocol/code-migration.ts";
import { FAST_REDELIVERY, FAST_REDELIVERY_ENV } from "./helpers/cluster.ts";
import { FIXTURE_PROJECT, fixturePlan } from "./fixtures/migration/codemods.ts";
import { eventually, startTestNats } from "./helpers/nats.ts";
import { ROOT, spawnService } from "./helpers/processes.ts";
import { git, initRepo, tempDir } from "./helpers/repos.ts";

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

test("a coordinator killed after a step and a coder killed during one: the migration resumes, no step twice", async (t) => {
  t.timeout(300_000);
  const nats = await startTestNats(t, FAST_REDELIVERY);
  const home = await tempDir("patchbay-migration-e2e-", (fn) => cleanups.push(fn));
  const repo = join(home, "repos", "fixture");
  await initRepo(repo, FIXTURE_PROJECT);
  const env = {
    NATS_URL: nats.url,
    PATCHBAY_HOME: join(home, "home"),
    PATCHBAY_CODEMODS: join(ROOT, "test/fixtures/migration/codemods.ts"),
    PATCHBAY_FIXTURE_STEP_MS: "4000",
    ...FAST_REDELIVERY_ENV,
  };
  const service = (name: string, role: string) => spawnService(t, name, `services/${role}/main.ts`, env);
  const roles = ["architect", "planner", "checker", "merger"];
  const [coordinator, coder] = await Promise.all([service("coordinator", "coordinator"), service("coder", "coder")]);
  await Promise.all(roles.map((role) => service(role, role)));
  const client = new PatchbayClient(nats.nc);
  t.teardown(() => client.close());
  const plan = fixturePlan("var-to-const", "slow-marker", "use-strict");
  const input = { repo, migration_type: "custom", source_version: "a", target_version: "b", plan };
  await client.start("code-migration", input, { id: "mig-kill" });

  const pendingTask = async (taskId: string) => (await client.status("mig-kill"))?.pending[taskId];
  await eventually(async () => (await pendingTask("validate-var-to-const")) !== undefined, "step 1's validation");
  await coordinator.kill("SIGKILL");
  t.log(`killed the coordinator (pid ${coordinator.pid}) after step 1`);
  await service("coordinator-2", "coordinator");
  const running = await eventually(
    async () => (await pendingTask("step-slow-marker"))?.started,
    "step 2 running",
    120_000,
  );
  t.true(running.runner.endsWith(`:${coder.pid}`), running.runner);
  await coder.kill("SIGKILL");
  t.log(`killed the coder (pid ${coder.pid}) during step 2`);
  await service("coder-2", "coder");

  const rec = await client.wait("mig-kill", 240_000);
  t.is(rec.status, "completed", JSON.stringify(rec.error));
  const result = rec.result as MigrationResult;
  t.like(result, { completed_steps: 3, failed_steps: 0, rollback_performed: false });
  const subjects = (await git(repo, "log", "--format=%s", `main..${result.branch}`)).split("\n");
  t.deepEqual(subjects, [
    "migration(use-strict): apply use-strict",
    "migration(slow-marker): apply slow-marker",
    "migration(var-to-const): apply var-to-const",
  ]);
  t.regex(
    await git(repo, "show", `${result.branch}:lib/answer.js`),
    /^"use strict";\n\/\/ migrated\nconst answer = 42;/,
  );
  t.truthy(result.final_pr_url);
});
