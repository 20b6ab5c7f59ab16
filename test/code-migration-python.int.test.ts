// code-migration's built-in python3-migration plan, end to end on a real nats-server with the
// roles in-process on their real ports: the Python 2 sample package (samples/py2-package, with
// unittest tests and code that relies on integer division) is analysed, planned, migrated by
// the Python codemods one commit per step, and validated once its last step is in: its tests
// pass under python3 and every file compiles.
import test from "ava";
import { join } from "node:path";
import type { MigrationResult } from "../protocol/code-migration.ts";
import { materializePlainSample } from "../services/demo/samples.ts";
import { git } from "./helpers/repos.ts";
import { migrationCluster } from "./helpers/migration-cluster.ts";

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

test("the Python 2 package is migrated step by step and its tests pass under python3", async (t) => {
  t.timeout(600_000);
  const { home, c } = await migrationCluster(t, (fn) => cleanups.push(fn));
  const repo = await materializePlainSample("py2-package", join(home, "repos", "py2-package"));
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
