// code-migration's built-in react-upgrade plan, end to end on a real nats-server with the roles
// in-process on their real ports: the React 16 sample application (samples/react16-cjs in
// CommonJS, samples/react16-esm as ES modules) is analysed, planned, migrated step by step by
// the React codemods and validated by the checker on React 18 (installs included), then a PR.
import test, { type ExecutionContext } from "ava";
import { join } from "node:path";
import { openArtifacts } from "../infra/nats/artifacts.ts";
import type { AnalysisReport, MigrationResult } from "../protocol/code-migration.ts";
import { materializePlainSample } from "../services/demo/samples.ts";
import { git } from "./helpers/repos.ts";
import { migrationCluster } from "./helpers/migration-cluster.ts";

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

async function migrate(t: ExecutionContext, sample: string, incremental: boolean) {
  const { home, c, nc } = await migrationCluster(t, (fn) => cleanups.push(fn));
  const repo = await materializePlainSample(sample, join(home, "repos", sample));
  const input = { repo, migration_type: "react-upgrade", source_version: "16", target_version: "18", incremental };
  await c.start("code-migration", input, { id: `mig-${sample}` });
  const rec = await c.wait(`mig-${sample}`, 600_000);
  t.is(rec.status, "completed", JSON.stringify(rec.error));
  const result = rec.result as MigrationResult;
  const report = JSON.parse((await (await openArtifacts(nc)).get(result.analysis)) ?? "{}") as AnalysisReport;
  return { repo, result, report };
}

async function assertMigrated(t: ExecutionContext, repo: string, result: MigrationResult, report: AnalysisReport) {
  t.true(report.framework_files.length >= 5, report.framework_files.join(", "));
  t.true(report.uses.some((u) => u.api === "componentWillMount" && u.file === "src/visit-log.js"));
  t.deepEqual(
    result.step_results.map((r) => r.step_id),
    ["dependencies", "lifecycles", "root-api", "refs", "docs"],
  );
  t.true(result.step_results.every((r) => r.success));
  const pkg = JSON.parse(await git(repo, "show", `${result.branch}:package.json`)) as {
    dependencies: Record<string, string>;
  };
  t.regex(pkg.dependencies.react ?? "", /^\^18\./);
  const sources = await git(
    repo,
    "grep",
    "-l",
    "-E",
    "ReactDOM\\.render|componentWillMount|findDOMNode|react-dom/test-utils",
    result.branch,
    "--",
    "src",
    "test",
  ).catch(() => "");
  t.is(sources, "", "no React 16 API is left in the sources");
  t.deepEqual(
    result.step_results.flatMap((r) => r.leftovers.map((l) => `${l.file} ${l.api}`)),
    ["src/counter.js componentWillReceiveProps"],
  );
  const readme = await git(repo, "show", `${result.branch}:readme.md`);
  t.regex(readme, /const root = createRoot\(container\);\nroot\.render\(React\.createElement\(App\)\);/);
  t.true(report.uses.some((u) => u.api === "docs: ReactDOM.render" && u.file === "readme.md"));
  t.truthy(result.final_pr_url);
}

test.serial("the CommonJS React 16 sample, validated after every step, passes on React 18", async (t) => {
  t.timeout(900_000);
  const { repo, result, report } = await migrate(t, "react16-cjs", true);
  await assertMigrated(t, repo, result, report);
  t.true(
    result.step_results.every((r) => /passed/.test(r.tests ?? "")),
    JSON.stringify(result.step_results.map((r) => r.tests)),
  );
});

test.serial("the ES-module React 16 sample, validated after every step, passes on React 18", async (t) => {
  t.timeout(900_000);
  const { repo, result, report } = await migrate(t, "react16-esm", true);
  await assertMigrated(t, repo, result, report);
  t.true(result.step_results.every((r) => /passed/.test(r.tests ?? "")));
});
