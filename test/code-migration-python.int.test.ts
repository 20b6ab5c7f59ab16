// code-migration's built-in python3-migration plan, end to end on a real nats-server with the
// roles in-process on their real ports: the Python 2 sample package (samples/py2-package, with
// unittest tests and code that relies on integer division) is analysed, planned, migrated by
// the Python codemods one commit per step, and validated once its last step is in: its tests
// pass under python3 and every file compiles.
import test from "ava";
import { join } from "node:path";
import { architectBindings } from "../actors/architect/index.ts";
import { checkBinding, compileBinding } from "../actors/checker/index.ts";
import { migrationBindings } from "../actors/coder/index.ts";
import { migrationPrBinding } from "../actors/merger/index.ts";
import { plannerBindings } from "../actors/planner/index.ts";
import { codemodRegistry } from "../infra/codemods/registry.ts";
import { loadConfig } from "../infra/config.ts";
import type { MigrationResult } from "../protocol/code-migration.ts";
import { WorkflowInputs } from "../protocol/workflows.ts";
import { WorkflowRegistry, builtinWorkflows } from "../services/coordinator/index.ts";
import { materializePlainSample } from "../services/demo/samples.ts";
import { architectPorts, checkerPorts, mergerPorts, migrationPorts } from "../services/role-ports.ts";
import { startTestNats } from "./helpers/nats.ts";
import { git, tempDir } from "./helpers/repos.ts";
import { client, startActor, startCoordinator } from "./helpers/runtime.ts";

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

test("the Python 2 package is migrated step by step and its tests pass under python3", async (t) => {
  t.timeout(600_000);
  const home = await tempDir("patchbay-py3-", (fn) => cleanups.push(fn));
  const repo = await materializePlainSample("py2-package", join(home, "repos", "py2-package"));
  const cfg = { ...loadConfig({ PATCHBAY_HOME: home }), gatewayUrl: "http://127.0.0.1:7070" };
  const reg = new WorkflowRegistry(builtinWorkflows);
  const { nc } = await startTestNats(t, { roles: [...reg.roles().keys()] });
  await startCoordinator(t, nc, reg);
  const architect = await architectPorts(cfg, nc);
  const checker = checkerPorts(cfg);
  t.teardown(() => Promise.all([checker.analysis.close(), architect.analysis.close()]).then(() => undefined));
  await startActor(t, nc, "architect", architectBindings(architect));
  await startActor(t, nc, "planner", plannerBindings({ codemods: codemodRegistry() }));
  await startActor(t, nc, "coder", migrationBindings(await migrationPorts(cfg, nc)));
  await startActor(t, nc, "checker", [checkBinding(checker), compileBinding(checker)]);
  await startActor(t, nc, "merger", [migrationPrBinding(await mergerPorts(cfg, nc))]);
  const c = client(t, nc, WorkflowInputs);
  const input = { repo, migration_type: "python3-migration", source_version: "2.7", target_version: "3" };
  await c.start("code-migration", input, { id: "mig-py3" });
  const rec = await c.wait("mig-py3", 500_000);
  t.is(rec.status, "completed", JSON.stringify(rec.error));
  const result = rec.result as MigrationResult;
  t.deepEqual(
    result.step_results.map((r) => r.step_id),
    ["print", "exceptions", "imports", "strings", "dicts-iterators", "division", "fixers"],
  );
  const last = result.step_results.at(-1);
  t.regex(last?.tests ?? "", /passed/);
  t.regex(last?.compile ?? "", /^python3 compile of \d+ files passed$/);
  t.true(result.step_results.slice(0, -1).every((r) => r.tests === null && r.success));
  const division = result.step_results.find((r) => r.step_id === "division");
  t.true((division?.changes["py-division"] ?? 0) > 0, "the division the code relied on became //");
  t.deepEqual(
    division?.leftovers.map((l) => `${l.file}:${l.line} ${l.api}`),
    ["shelf/stats.py:14 integer division"],
  );
  const subjects = (await git(repo, "log", "--format=%s", `main..${result.branch}`)).split("\n");
  t.is(subjects.length, 7);
  t.truthy(result.final_pr_url);
});
