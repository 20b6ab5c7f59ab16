// Scenario: the checks on a real tiny Python repository (unittest, no dependencies): unit test
// counts come from unittest's summary line, coverage from coverage.py (found with whichever
// python3 has it, e.g. Debian's), lint from pyflakes with warnings and errors told apart,
// security finds shell commands built from input, a repo without integration tests or a
// benchmark gets `skipped` with the reason, and dependencies say npm is all they know.
import test from "ava";
import type { ExecutionContext } from "ava";
import { join } from "node:path";
import { createCheckHandler } from "../actors/checker/index.ts";
import type { TaskHandler } from "../infra/nats/actor-host.ts";
import type { CheckId, CheckOutcome } from "../protocol/quality-gate.ts";
import { checkerPorts, initRepo, taskContext, targetOf, tempDir } from "./helpers/repos.ts";

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

const CALC = `import os
import subprocess


def add(a, b):
    return a + b


def div(a, b):
    if b == 0:
        raise ZeroDivisionError("b is zero")
    return a / b


def untested(x):
    total = 0
    for i in range(x):
        total += i
    return total


def broken():
    return missing_name


def run(cmd):
    return subprocess.run("ls " + cmd, shell=True)
`;
const TESTS = `import unittest

from calc import add, div


class CalcTest(unittest.TestCase):
    def test_add(self):
        self.assertEqual(add(1, 2), 3)

    def test_div(self):
        self.assertEqual(div(6, 3), 2)

    def test_div_zero(self):
        with self.assertRaises(ZeroDivisionError):
            div(1, 0)

    def test_wrong_on_purpose(self):
        self.assertEqual(add(2, 2), 5)


if __name__ == "__main__":
    unittest.main()
`;

let origin = "";
let sha = "";
let handler: TaskHandler;
const durations: Partial<Record<CheckId, number>> = {};

test.before(async () => {
  const root = await tempDir("patchbay-checks-python-", (fn) => cleanups.push(fn));
  const { ports, analysis } = checkerPorts(join(root, "cache"));
  cleanups.push(() => analysis.close());
  origin = join(root, "origin");
  sha = await initRepo(origin, { "calc.py": CALC, "tests/test_calc.py": TESTS, "requirements.txt": "\n", ".gitignore": "__pycache__/\n" });
  handler = createCheckHandler(ports);
});
test.after(() => console.log(`check durations on the tiny Python repo (ms): ${JSON.stringify(durations)}`));

async function check(t: ExecutionContext, id: CheckId): Promise<CheckOutcome> {
  const input = { check: id, target: targetOf(origin, "main", sha), required_coverage: 80, timeout_ms: 120_000 };
  const outcome = (await handler(input, taskContext("check.run"))) as CheckOutcome;
  t.log(`${id}: ${outcome.summary} (${outcome.duration_ms} ms)`);
  durations[id] = outcome.duration_ms;
  return outcome;
}

test.serial("unit tests: counts from unittest's summary line", async (t) => {
  const outcome = await check(t, "unit_tests");
  t.false(outcome.passed);
  t.like(outcome.metrics, { passed: 3, failed: 1, total: 4 });
  t.true(outcome.issues.some((issue) => issue.message.includes("test_wrong_on_purpose")));
});

test.serial("integration tests: none, so skipped", async (t) => {
  const outcome = await check(t, "integration_tests");
  t.true(outcome.skipped);
  t.regex(outcome.skip_reason ?? "", /no integration tests/);
});

test.serial("coverage: coverage.py gives a figure", async (t) => {
  const outcome = await check(t, "coverage");
  t.false(outcome.skipped, outcome.skip_reason);
  const coverage = outcome.metrics.coverage;
  t.true(coverage > 30 && coverage < 80, `coverage ${coverage}`);
  t.is(outcome.metrics.required, 80);
  t.false(outcome.passed);
});

test.serial("lint: pyflakes finds an unused import (warning) and an undefined name (error)", async (t) => {
  const outcome = await check(t, "lint");
  t.false(outcome.skipped, outcome.skip_reason);
  t.like(outcome.metrics, { errors: 1, warnings: 1, fixable: 0 });
  t.false(outcome.passed);
  t.like(outcome.issues.find((issue) => issue.severity === "medium"), { file: "calc.py", line: 23 });
  t.like(outcome.issues.find((issue) => issue.severity === "low"), { file: "calc.py", line: 1 });
});

test.serial("security: a shell command built from input, with file and line", async (t) => {
  const outcome = await check(t, "security");
  t.like(outcome.issues.find((issue) => issue.rule === "command-injection"), { severity: "critical", message: "Command injection", file: "calc.py", line: 27 });
  t.false(outcome.passed);
});

test.serial("static analysis, performance and dependencies", async (t) => {
  const analysis = await check(t, "static_analysis");
  t.true(analysis.passed);
  t.like(analysis.metrics, { max_complexity: 2, long_functions: 0, duplicate_blocks: 0 });
  const performance = await check(t, "performance");
  t.true(performance.skipped);
  t.regex(performance.skip_reason ?? "", /no benchmark declared/);
  const dependencies = await check(t, "dependencies");
  t.true(dependencies.skipped);
});
