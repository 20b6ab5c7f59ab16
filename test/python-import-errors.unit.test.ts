// Scenario: test modules a Python runner could not import, read from REAL output captured on this
// machine (test/fixtures/python-runs: pytest 9's JUnit report and terminal output, unittest's
// stderr, and pytest's stderr when a tests/conftest.py imports `freezegun`, for a repo whose tests import `freezegun` (not installed) and a package of its own that
// imports `nothere_internal_dep`): each module with the first error of its traceback and the
// missing module's name.
import test from "ava";
import { readFileSync } from "node:fs";
import { importFailures } from "../actors/checker/index.ts";

const fixture = (name: string): string =>
  readFileSync(new URL(`fixtures/python-runs/${name}`, import.meta.url), "utf8");
const EXPECTED = [
  {
    error: "ModuleNotFoundError: No module named 'freezegun'",
    missingModule: "freezegun",
  },
  {
    error: "ModuleNotFoundError: No module named 'nothere_internal_dep'",
    missingModule: "nothere_internal_dep",
  },
];

test("pytest: collection failures from the JUnit report, with the file", (t) => {
  const found = importFailures("pytest", { stdout: "", stderr: "", report: fixture("pytest-collection-junit.xml") });
  t.deepEqual(found, [
    { module: "tests/test_a.py", ...EXPECTED[0] },
    { module: "tests/test_c.py", ...EXPECTED[1] },
  ]);
});

test("pytest: the ERROR collecting blocks of its output when there is no report", (t) => {
  const found = importFailures("pytest", { stdout: fixture("pytest-collection-stdout.txt"), stderr: "" });
  t.deepEqual(found, [
    { module: "tests/test_a.py", ...EXPECTED[0] },
    { module: "tests/test_c.py", ...EXPECTED[1] },
  ]);
});

test("pytest: a conftest.py it could not load (no report, nothing collected)", (t) => {
  const found = importFailures("pytest", { stdout: "", stderr: fixture("pytest-conftest-stderr.txt") });
  t.deepEqual(found, [{ module: "/tmp/wtp/conf/tests/conftest.py", ...EXPECTED[0] }]);
});

test("unittest: the loader's _FailedTest errors, with the exception line", (t) => {
  const found = importFailures("unittest", { stdout: "", stderr: fixture("unittest-import-stderr.txt") });
  t.deepEqual(found, [
    { module: "test_a", ...EXPECTED[0] },
    { module: "test_c", ...EXPECTED[1] },
  ]);
});

test("a run whose modules all imported has none", (t) => {
  const junit = fixture("pytest-collection-junit.xml").replace(/<error message="collection failure"/g, "<failure");
  t.deepEqual(importFailures("pytest", { stdout: "1 failed, 2 passed in 0.1s", stderr: "", report: junit }), []);
  t.deepEqual(importFailures("unittest", { stdout: "", stderr: "Ran 3 tests in 0.001s\n\nOK\n" }), []);
});
