// Scenario: the coverage check on real tiny Node repositories, through the checker's handler
// and the sandbox, with the real c8. A repo whose test script runs c8 with its own options
// (`--all --include=src`, leaving bin/ out) gets the figure its own `c8 report` gives by hand; a
// repo without a coverage setup (and without bin/) gets patchbay's c8 with examples, configs,
// tests and tsd's type tests left out (the same figure, not one diluted by examples/ or
// index.test-d.ts); a suite that crashes before
// any source ran, and a vitest suite without a coverage provider, make the check unavailable
// with the reason, never "0%".
import test from "ava";
import type { ExecutionContext } from "ava";
import { execFile } from "node:child_process";
import { readFile, symlink } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { checkBinding } from "../actors/checker/index.ts";
import type { CheckOutcome } from "../protocol/quality-gate.ts";
import {
  branchWith,
  checkerPorts,
  git,
  DEV_ID,
  initRepo,
  rawHandler,
  targetOf,
  taskContext,
  tempDir,
} from "./helpers/repos.ts";
import type { RawHandler } from "./helpers/repos.ts";

const run = promisify(execFile);
const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

/** patchbay's own node_modules: the repos link to it for c8 (they declare no dependencies, so nothing is installed). */
const PATCHBAY_MODULES = new URL("../node_modules", import.meta.url).pathname;

const MATH = `export function add(a, b) {
  return a + b;
}

export function clamp(value, low, high) {
  if (value < low) {
    return low;
  }
  if (value > high) {
    return high;
  }
  return value;
}
`;
const UNIT = `import test from "node:test";
import assert from "node:assert/strict";
import { add, clamp } from "../src/math.js";

test("adds", () => assert.equal(add(1, 2), 3));
test("clamps low", () => assert.equal(clamp(-1, 0, 5), 0));
`;
const EXAMPLE = `import { add } from "../src/math.js";

export function demo() {
  const values = [1, 2, 3];
  let total = 0;
  for (const value of values) {
    total = add(total, value);
  }
  console.log("total", total);
  return total;
}
`;
/** Left out by the maintainers' `--include=src`, counted by any default setup. */
const CLI = `import { add } from "../src/math.js";

const [a, b] = process.argv.slice(2).map(Number);
if (Number.isNaN(a) || Number.isNaN(b)) {
  console.error("usage: cli <a> <b>");
  process.exit(1);
}
console.log(add(a, b));
`;
/** tsd's type test: read by the type checker, run by no test (`c8 --all` would count its lines). */
const TYPE_TEST = `import { expectType } from "tsd";
import { add, clamp } from "./src/math.js";

expectType<number>(add(1, 2));
expectType<number>(clamp(1, 0, 5));
`;
/** Fails before any module is evaluated: no line of src/ runs. */
const CRASH = `import "./missing-helper.js";
`;
/** c8 with the maintainers' options on the command line; wrapped in another c8 it would measure nothing. */
const OWN_SCRIPT = "c8 --all --include=src --reporter=text node --test test/*.test.js";
const pkg = (test: string): string =>
  JSON.stringify({ name: "cov", version: "1.0.0", type: "module", scripts: { test } }, null, 2);

let origin: string;
let handler: RawHandler;
const sha: Record<string, string> = {};

test.before(async () => {
  const root = await tempDir("patchbay-coverage-node-", (fn) => cleanups.push(fn));
  const { ports, analysis } = checkerPorts(join(root, "cache"));
  cleanups.push(() => analysis.close());
  origin = join(root, "origin");
  sha.main = await initRepo(origin, {
    "package.json": pkg(OWN_SCRIPT),
    ".gitignore": "coverage/\n",
    "src/math.js": MATH,
    "examples/demo.js": EXAMPLE,
    "bin/cli.js": CLI,
    "eslint.config.js": "export default [];\n",
    "test/math.test.js": UNIT,
  });
  await symlink(PATCHBAY_MODULES, join(origin, "node_modules"));
  await git(origin, "add", "node_modules");
  await git(origin, ...DEV_ID, "commit", "--quiet", "-m", "link the tools");
  sha.own = await git(origin, "rev-parse", "HEAD");
  sha.plain = await branchWith(origin, sha.own, "plain", {
    "package.json": pkg("node --test test/*.test.js"),
    "bin/cli.js": null,
    "index.test-d.ts": TYPE_TEST,
  });
  sha.crash = await branchWith(origin, sha.plain, "crash", { "test/math.test.js": `${CRASH}${UNIT}` });
  sha.vitest = await branchWith(origin, sha.plain, "vitest", { "package.json": pkg("vitest run") });
  handler = rawHandler(checkBinding(ports));
});

async function coverage(t: ExecutionContext, branch: string, at: string): Promise<CheckOutcome> {
  const input = { check: "coverage", target: targetOf(origin, branch, at), required_coverage: 80, timeout_ms: 120_000 };
  const outcome = (await handler(input, taskContext("check.run"))) as CheckOutcome;
  t.log(`coverage on ${branch}: ${outcome.summary}`);
  return outcome;
}

/** The repository's own coverage run, by hand: its test script under its c8 config, then `c8 report`. */
async function ownFigure(): Promise<number> {
  const c8 = join(PATCHBAY_MODULES, ".bin", "c8");
  await git(origin, "checkout", "--quiet", sha.own);
  await run("npm", ["test"], { cwd: origin });
  await run(c8, ["report", "--all", "--include=src", "--reporter=json-summary"], { cwd: origin });
  await git(origin, "checkout", "--quiet", "main");
  const summary = JSON.parse(await readFile(join(origin, "coverage", "coverage-summary.json"), "utf8")) as {
    total: { lines: { pct: number } };
  };
  return summary.total.lines.pct;
}

test.serial("the repo's own c8 setup: the figure its own c8 report gives", async (t) => {
  const expected = await ownFigure();
  t.true(expected > 0 && expected < 100, `by hand ${expected}`);
  const outcome = await coverage(t, "main", sha.own);
  t.false(outcome.skipped);
  t.true(Math.abs(outcome.metrics.coverage - expected) <= 0.1, `${outcome.metrics.coverage} vs ${expected}`);
  t.is(outcome.summary, `coverage ${outcome.metrics.coverage}% (required 80%) — on ${outcome.runtime ?? "?"}`);
});

test.serial("no coverage setup: patchbay's c8 leaves examples, configs and type tests out", async (t) => {
  const own = await coverage(t, "main", sha.own);
  const outcome = await coverage(t, "plain", sha.plain);
  t.false(outcome.skipped);
  t.is(outcome.metrics.coverage, own.metrics.coverage);
});

test.serial("a suite that crashes before any source ran: unavailable with its first error, not 0%", async (t) => {
  const outcome = await coverage(t, "crash", sha.crash);
  t.true(outcome.skipped);
  t.false(outcome.passed);
  t.false("coverage" in outcome.metrics);
  t.regex(outcome.skip_reason ?? "", /measured nothing/);
  t.regex(outcome.skip_reason ?? "", /Error \[ERR_MODULE_NOT_FOUND\]: Cannot find module .*missing-helper\.js/);
  t.notRegex(outcome.summary, /0%/);
});

test.serial("vitest without a coverage provider: unavailable with the reason", async (t) => {
  const outcome = await coverage(t, "vitest", sha.vitest);
  t.true(outcome.skipped);
  t.regex(outcome.skip_reason ?? "", /no coverage provider/);
  t.false("coverage" in outcome.metrics);
});
