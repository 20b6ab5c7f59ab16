// Proves how the coverage check picks a Node repository's own coverage setup (nyc or c8 in the
// unit script or a script it runs, a coverage script, jest/vitest --coverage), keeps the
// maintainers' nyc/c8 options for the report, refuses vitest without a coverage provider, and
// reads the same line figure from istanbul's json-summary, json and lcov reports (real nyc
// output of minimist 1.2.8's own suite).
import test from "ava";
import { utimes } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { nodeCoveragePlan, readLineFigure, toolOptions } from "../actors/checker/index.ts";
import type { Project, TestSpec } from "../actors/checker/index.ts";

const project = (scripts: Record<string, string>, dependencies: string[] = []): Project => ({
  kind: "node",
  dir: "/r",
  scripts,
  dependencies,
  settings: {},
  prettier: false,
  pytest: false,
  coverageConfig: false,
});
const unit = (scripts: Record<string, string>): TestSpec => ({
  kind: "npm-script",
  script: "test",
  text: scripts.test,
});
const plan = (scripts: Record<string, string>, dependencies: string[] = []) =>
  nodeCoveragePlan(project(scripts, dependencies), unit(scripts));

test("nyc in a script the unit script runs (ljharb's tape + nyc): that script, not test's pre/post hooks", (t) => {
  const scripts = {
    pretest: "npm run lint",
    test: "npm run tests-only",
    "tests-only": "nyc tape 'test/**/*.js'",
    posttest: "aud --production",
  };
  t.like(plan(scripts), { kind: "script", script: "tests-only", toolScript: "tests-only", tool: "nyc" });
  t.like(plan({ test: "c8 --all node --test" }), { kind: "script", script: "test", tool: "c8" });
});

test("a coverage script runs as the maintainers run it", (t) => {
  const scripts = { test: "jest", coverage: "npm run test -- --coverage" };
  t.like(plan(scripts), { kind: "script", script: "coverage", toolScript: "coverage", tool: "jest" });
  t.like(plan({ test: "node --test", "test:coverage": "c8 npm test" }), {
    kind: "script",
    script: "test:coverage",
    tool: "c8",
  });
  t.like(plan({ test: "node --test", coverage: "open coverage/index.html" }), { kind: "c8" });
});

test("jest and vitest measure themselves; vitest without a provider cannot be measured", (t) => {
  t.like(plan({ test: "jest --ci" }), { kind: "runner", tool: "jest" });
  t.like(plan({ test: "vitest run" }, ["vitest", "@vitest/coverage-v8"]), { kind: "runner", tool: "vitest" });
  const none = plan({ test: "vitest run" }, ["vitest"]);
  t.is(none.kind, "unavailable");
  t.regex(none.kind === "unavailable" ? none.reason : "", /no coverage provider/);
  t.like(plan({ test: "node --test test/*.test.js" }), { kind: "c8" });
});

test("the script's nyc/c8 options are kept for the report, reporters and thresholds are not", (t) => {
  t.deepEqual(toolOptions("c8 --all --include=src --reporter=text node --test", "c8"), ["--all", "--include=src"]);
  t.deepEqual(toolOptions("nyc -r lcov --include src --check-coverage --lines 90 tape 'test/*.js'", "nyc"), [
    "--include",
    "src",
  ]);
  t.deepEqual(toolOptions("nyc tape 'test/**/*.js'", "nyc"), []);
});

test("json-summary, json and lcov reports of one real nyc run give the same lines", async (t) => {
  const dir = (name: string) => fileURLToPath(new URL(`./fixtures/runners/coverage-nyc/${name}/`, import.meta.url));
  const now = new Date();
  const since = now.getTime() - 1000;
  for (const [name, file] of [
    ["summary", "coverage-summary.json"],
    ["final", "coverage-final.json"],
    ["lcov", "lcov.info"],
  ]) {
    await utimes(`${dir(name)}${file}`, now, now);
    t.like(await readLineFigure(dir(name), since), { total: 132, covered: 130 }, name);
  }
  t.is(await readLineFigure(dir("summary"), Date.now() + 60_000), undefined, "a report older than the run is stale");
});
