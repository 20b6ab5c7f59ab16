// Scenario: a Node repository whose test suite crashes, run through the checker's unit test
// check and the sandbox with the real node:test runner. A test file that throws at import is a
// failing test whose message is the file's first error and its place; a test script that is
// no runner and crashes with coloured output is quoted by its first error (TypeError … at
// file:line), without colour codes, not by the last lines of its stack.
import test from "ava";
import type { ExecutionContext } from "ava";
import { join } from "node:path";
import { checkBinding } from "../actors/checker/index.ts";
import type { CheckOutcome } from "../protocol/quality-gate.ts";
import { branchWith, checkerPorts, initRepo, rawHandler, targetOf, taskContext, tempDir } from "./helpers/repos.ts";
import type { RawHandler } from "./helpers/repos.ts";

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

const pkg = (test: string): string =>
  JSON.stringify({ name: "crashy", version: "1.0.0", type: "module", scripts: { test } }, null, 2);
const OK = `import test from "node:test";
import assert from "node:assert/strict";

test("adds", () => assert.equal(1 + 2, 3));
`;
/** Throws at import, after printing in colour as kleur or chalk would with colours forced. */
const CRASH = `console.error("\\u001b[1m\\u001b[31msetting up\\u001b[39m\\u001b[22m");
const helper = undefined;
helper.setup();
`;
/** A hand-made runner: prints a coloured banner, then a test helper throws deep in a stack. */
const RUNNER = `function check(value) {
  return value.length;
}
console.log("\\u001b[36mrunning 3 suites\\u001b[39m");
check(undefined);
`;

let origin: string;
let handler: RawHandler;
const sha: Record<string, string> = {};

test.before(async () => {
  const root = await tempDir("patchbay-crash-messages-", (fn) => cleanups.push(fn));
  const { ports, analysis } = checkerPorts(join(root, "cache"));
  cleanups.push(() => analysis.close());
  origin = join(root, "origin");
  sha.main = await initRepo(origin, {
    "package.json": pkg("node --test test/*.test.js"),
    "test/ok.test.js": OK,
    "test/crash.test.js": CRASH,
  });
  sha.script = await branchWith(origin, sha.main, "script", {
    "package.json": pkg("node test/run.js"),
    "test/run.js": RUNNER,
  });
  handler = rawHandler(checkBinding(ports));
});

async function unitTests(t: ExecutionContext, branch: string, at: string): Promise<CheckOutcome> {
  const input = {
    check: "unit_tests",
    target: targetOf(origin, branch, at),
    required_coverage: 80,
    timeout_ms: 60_000,
  };
  const outcome = (await handler(input, taskContext("check.run"))) as CheckOutcome;
  t.log(outcome.issues.map((issue) => issue.message).join("\n"));
  for (const issue of outcome.issues) t.false(issue.message.includes("\u001b"), issue.message);
  return outcome;
}

test("node:test: a test file that throws at import is a failure quoting its first error", async (t) => {
  const outcome = await unitTests(t, "main", sha.main);
  t.false(outcome.passed);
  t.like(outcome.metrics, { passed: 1, failed: 1, total: 2 });
  const failure = outcome.issues.find((issue) => issue.rule === "test-failure");
  t.is(failure?.file, "test/crash.test.js");
  t.is(
    failure?.message,
    "Test failed: test/crash.test.js — TypeError: Cannot read properties of undefined (reading 'setup') at test/crash.test.js:3",
  );
});

test("a script that is no runner crashes: its first error and place, not the end of its stack", async (t) => {
  const outcome = await unitTests(t, "script", sha.script);
  t.false(outcome.passed);
  t.is(
    outcome.issues[0].message,
    `no test results from npm script "test" (exit 1): TypeError: Cannot read properties of undefined (reading 'length') at test/run.js:2`,
  );
});
