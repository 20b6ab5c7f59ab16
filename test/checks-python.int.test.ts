// Scenario: the checks on a real tiny Python repository (unittest, no dependencies): unit test
// counts come from unittest's summary line, coverage from coverage.py (found with whichever
// python3 has it, e.g. Debian's), lint from pyflakes with warnings and errors told apart,
// security finds shell commands built at run time, a repo without integration tests or a
// benchmark gets `skipped` with the reason, dependencies say npm is all they know, and a pytest
// repo runs with whichever python3 has pytest (or is skipped naming every interpreter probed),
// also when pytest is declared nowhere but its test modules are written for it (as toolz's).
import test from "ava";
import type { ExecutionContext } from "ava";
import { join } from "node:path";
import { checkBinding } from "../actors/checker/index.ts";
import type { CheckId, CheckOutcome } from "../protocol/quality-gate.ts";
import {
  branchWith,
  checkerPorts,
  initRepo,
  taskContext,
  rawHandler,
  type RawHandler,
  targetOf,
  tempDir,
} from "./helpers/repos.ts";

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

const PYTEST_TESTS = `from calc import add


def test_add():
    assert add(1, 2) == 3


def test_wrong_on_purpose():
    assert add(2, 2) == 5
`;

let origin = "";
let sha = "";
let pytestSha = "";
let pytestStyleSha = "";
let handler: RawHandler;
const durations: Partial<Record<CheckId, number>> = {};

test.before(async () => {
  const root = await tempDir("patchbay-checks-python-", (fn) => cleanups.push(fn));
  const { ports, analysis } = checkerPorts(join(root, "cache"));
  cleanups.push(() => analysis.close());
  origin = join(root, "origin");
  sha = await initRepo(origin, {
    "calc.py": CALC,
    "tests/test_calc.py": TESTS,
    "requirements.txt": "\n",
    ".gitignore": "__pycache__/\n",
  });
  pytestSha = await branchWith(origin, "main", "pytest", {
    "pytest.ini": "[pytest]\n",
    "tests/test_calc.py": PYTEST_TESTS,
  });
  // toolz's layout: module-level test functions in a package's tests folder, pytest only in CI.
  pytestStyleSha = await branchWith(origin, "main", "pytest-style", {
    "tests/test_calc.py": null,
    "pkg/tests/test_calc.py": PYTEST_TESTS,
  });
  handler = rawHandler(checkBinding(ports));
});
test.after(() => console.log(`check durations on the tiny Python repo (ms): ${JSON.stringify(durations)}`));

const shas = (): Record<string, string> => ({ main: sha, pytest: pytestSha, "pytest-style": pytestStyleSha });

async function check(t: ExecutionContext, id: CheckId, branch = "main"): Promise<CheckOutcome> {
  const input = {
    check: id,
    target: targetOf(origin, branch, shas()[branch] ?? sha),
    required_coverage: 80,
    timeout_ms: 120_000,
  };
  const outcome = (await handler(input, taskContext("check.run"))) as CheckOutcome;
  t.log(`${id} on ${branch}: ${outcome.summary} (${outcome.duration_ms} ms)`);
  if (branch === "main") durations[id] = outcome.duration_ms;
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
  t.like(
    outcome.issues.find((issue) => issue.severity === "medium"),
    { file: "calc.py", line: 23 },
  );
  t.like(
    outcome.issues.find((issue) => issue.severity === "low"),
    { file: "calc.py", line: 1 },
  );
});

test.serial("security: a shell command built from input, with file and line", async (t) => {
  const outcome = await check(t, "security");
  // `cmd` is a parameter: of unknown origin, so high (critical is for values traced to request input).
  const issue = outcome.issues.find((found) => found.rule === "command-injection");
  t.like(issue, { severity: "high", file: "calc.py", line: 27 });
  t.like(issue, { message: "Command injection", detail: "value of unknown origin reaches subprocess.run()" });
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

test.serial(
  "pytest: counts from its JUnit report with a python3 that has pytest, else skipped naming the interpreters",
  async (t) => {
    const unit = await check(t, "unit_tests", "pytest");
    if (unit.skipped) {
      t.regex(unit.skip_reason ?? "", /no python3 with pytest/);
    } else {
      t.like(unit.metrics, { passed: 1, failed: 1, total: 2 });
      t.true(
        unit.issues.some(
          (issue) => issue.message.includes("test_wrong_on_purpose") && issue.file === "tests/test_calc.py",
        ),
        JSON.stringify(unit.issues),
      );
    }
    const coverage = await check(t, "coverage", "pytest");
    if (coverage.skipped) t.regex(coverage.skip_reason ?? "", /no python3 with coverage and pytest/);
    else t.true(coverage.metrics.coverage > 0);
  },
);

test.serial("pytest-style test modules without a pytest declaration run with pytest, not unittest", async (t) => {
  const unit = await check(t, "unit_tests", "pytest-style");
  if (unit.skipped) {
    t.regex(unit.skip_reason ?? "", /no python3 with pytest/);
    return;
  }
  t.like(unit.metrics, { passed: 1, failed: 1, total: 2 });
  t.true(
    unit.issues.some(
      (issue) => issue.message.includes("test_wrong_on_purpose") && issue.file === "pkg/tests/test_calc.py",
    ),
    JSON.stringify(unit.issues),
  );
});
