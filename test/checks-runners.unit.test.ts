// Proves that the test-runner parsers read exact pass/fail/skip/total counts and failing tests
// from each runner's machine-readable output (Jest/Vitest JSON, Mocha JSON, pytest JUnit XML,
// node:test and AVA TAP) and from its summary line where that is all there is.
import test from "ava";
import { detectRunner, parseBenchFigure, parseRuff, parseRun, suiteCommand } from "../actors/checker/index.ts";

const none = { stdout: "", stderr: "" };

test("jest and vitest JSON reports", (t) => {
  const report = JSON.stringify({
    numTotalTests: 5,
    numPassedTests: 3,
    numFailedTests: 1,
    numPendingTests: 1,
    numTodoTests: 0,
    numRuntimeErrorTestSuites: 0,
    testResults: [
      {
        name: "/r/sum.test.js",
        status: "failed",
        assertionResults: [
          { fullName: "adds", status: "passed", failureMessages: [] },
          {
            fullName: "math breaks",
            status: "failed",
            failureMessages: ["Error: expect(received).toBe(expected)\n\nExpected: 5"],
            location: { line: 9, column: 1 },
          },
        ],
      },
    ],
  });
  for (const runner of ["jest", "vitest"] as const) {
    t.deepEqual(parseRun(runner, { ...none, report }), {
      passed: 3,
      failed: 1,
      skipped: 1,
      total: 5,
      failures: [
        { name: "math breaks", file: "/r/sum.test.js", line: 9, message: "Error: expect(received).toBe(expected)" },
      ],
    });
  }
});

test("jest's default reporter names each failing test once, though its summary repeats them", (t) => {
  const block = (file: string, name: string, line: number) =>
    `FAIL ${file}\n  ● ${name}\n\n    expect(received).toBe(expected)\n\n    > ${line} |   expect(f()).toBe(1);\n`;
  const stderr = [
    block("tests/a.test.js", "a › breaks", 7),
    "PASS tests/b.test.js\n  ● Console\n\n    console.log\n      hello\n",
    block("tests/c.test.js", "breaks too", 3),
    "Summary of all failing tests",
    block("tests/a.test.js", "a › breaks", 7),
    block("tests/c.test.js", "breaks too", 3),
    "Test Suites: 2 failed, 1 passed, 3 total\nTests:       2 failed, 5 passed, 7 total\n",
  ].join("\n");
  const message = "expect(received).toBe(expected)";
  t.deepEqual(parseRun("jest", { stdout: "", stderr })?.failures, [
    { name: "a › breaks", file: "tests/a.test.js", line: 7, message },
    { name: "breaks too", file: "tests/c.test.js", line: 3, message },
  ]);
});

test("jest and vitest summary lines", (t) => {
  t.like(
    parseRun("jest", {
      stdout: "",
      stderr: "Test Suites: 1 failed, 1 total\nTests:       1 failed, 1 skipped, 3 passed, 5 total\n",
    }),
    { passed: 3, failed: 1, skipped: 1, total: 5 },
  );
  t.like(
    parseRun("vitest", {
      stdout: " Test Files  1 failed (1)\n      Tests  1 failed | 3 passed | 1 skipped (5)\n",
      stderr: "",
    }),
    { passed: 3, failed: 1, skipped: 1, total: 5 },
  );
});

test("mocha JSON report and spec summary", (t) => {
  const report = JSON.stringify({
    stats: { suites: 1, tests: 4, passes: 3, pending: 0, failures: 1 },
    failures: [
      {
        title: "breaks",
        fullTitle: "math breaks",
        file: "/r/test/a.js",
        err: { message: "expected 4 to equal 5\n+ expected" },
      },
    ],
  });
  t.deepEqual(parseRun("mocha", { ...none, report }), {
    passed: 3,
    failed: 1,
    skipped: 0,
    total: 4,
    failures: [{ name: "math breaks", file: "/r/test/a.js", message: "expected 4 to equal 5" }],
  });
  t.like(parseRun("mocha", { stdout: "\n  3 passing (6ms)\n  1 pending\n  1 failing\n", stderr: "" }), {
    passed: 3,
    failed: 1,
    skipped: 1,
    total: 5,
  });
});

test("pytest JUnit XML and summary line", (t) => {
  const report = `<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="0" failures="1" skipped="1" tests="4" time="0.03">
<testcase classname="tests.test_calc" name="test_add" time="0.001" />
<testcase classname="tests.test_calc" name="test_wrong" file="tests/test_calc.py" line="9" time="0.001"><failure message="assert 4 == 5&#10; +  where 4 = add(2, 2)">def test_wrong():</failure></testcase>
<testcase classname="tests.test_calc" name="test_later" time="0.000"><skipped type="pytest.skip" message="later">skip</skipped></testcase>
<testcase classname="tests.test_calc" name="test_div" time="0.001" />
</testsuite></testsuites>`;
  t.deepEqual(parseRun("pytest", { ...none, report }), {
    passed: 2,
    failed: 1,
    skipped: 1,
    total: 4,
    failures: [{ name: "tests.test_calc::test_wrong", file: "tests/test_calc.py", line: 10, message: "assert 4 == 5" }],
  });
  const stdout =
    "..F.s\nFAILED tests/test_calc.py::test_wrong - assert 4 == 5\n1 failed, 3 passed, 1 skipped in 0.05s\n";
  t.like(parseRun("pytest", { stdout, stderr: "" }), {
    passed: 3,
    failed: 1,
    skipped: 1,
    total: 5,
    failures: [{ name: "test_wrong", file: "tests/test_calc.py", message: "assert 4 == 5" }],
  });
});

test("unittest summary", (t) => {
  const stderr =
    "..F.s\n======\nFAIL: test_wrong (test_calc.CalcTest.test_wrong)\n------\nTraceback...\n\nRan 5 tests in 0.001s\n\nFAILED (failures=1, skipped=1)\n";
  t.deepEqual(parseRun("unittest", { stdout: "", stderr }), {
    passed: 3,
    failed: 1,
    skipped: 1,
    total: 5,
    failures: [{ name: "test_calc.CalcTest.test_wrong", message: "assertion failed" }],
  });
  t.like(parseRun("unittest", { stdout: "", stderr: "Ran 2 tests in 0.000s\n\nOK\n" }), {
    passed: 2,
    failed: 0,
    total: 2,
  });
});

test("node:test TAP and AVA TAP", (t) => {
  const tap =
    "TAP version 13\nok 1 - a\nnot ok 2 - b\n  ---\n  duration_ms: 0.5\n  location: '/r/test/x.test.js:5:1'\n  ...\n1..2\n# tests 2\n# suites 0\n# pass 1\n# fail 1\n# cancelled 0\n# skipped 0\n# todo 0\n";
  t.deepEqual(parseRun("node-test", { stdout: tap, stderr: "" }), {
    passed: 1,
    failed: 1,
    skipped: 0,
    total: 2,
    failures: [{ name: "b", file: "/r/test/x.test.js", line: 5 }],
  });
  const ava =
    "TAP version 13\nok 1 - adds\nnot ok 2 - breaks\n  ---\n  ...\nok 3 - later # SKIP\n\n1..3\n# tests 3\n# pass 1\n# skip 1\n# fail 1\n";
  t.deepEqual(parseRun("ava", { stdout: ava, stderr: "" }), {
    passed: 1,
    failed: 1,
    skipped: 1,
    total: 3,
    failures: [{ name: "breaks" }],
  });
  t.like(parseRun(undefined, { stdout: "  ✘ [fail]: breaks\n\n  1 test failed\n  2 tests passed\n", stderr: "" }), {
    passed: 2,
    failed: 1,
    total: 3,
  });
});

test("runners are told from the command, and reporter arguments appended only to a plain command", (t) => {
  t.is(detectRunner("vitest run"), "vitest");
  t.is(detectRunner("node --test test/unit/*.test.js"), "node-test");
  t.is(detectRunner("python -m pytest -q"), "pytest");
  t.is(detectRunner("make check"), undefined);
  const plain = suiteCommand({ kind: "npm-script", script: "test", text: "jest --ci" }, "/w");
  t.deepEqual(plain.args.slice(0, 4), ["run", "test", "--", "--json"]);
  t.truthy(plain.reportFile);
  const assigned = suiteCommand({ kind: "npm-script", script: "test", text: "WARN_EXIT=1 jest --coverage -w 2" }, "/w");
  t.deepEqual(assigned.args.slice(0, 4), ["run", "test", "--", "--json"]);
  t.truthy(assigned.reportFile);
  const chained = suiteCommand({ kind: "npm-script", script: "test", text: "tsc && jest" }, "/w");
  t.deepEqual(chained.args, ["run", "test"]);
  t.is(chained.reportFile, undefined);
});

test("benchmark figures and Python linters' output", (t) => {
  t.deepEqual(parseBenchFigure('warming up\n{"value": 12.5}\n'), { value: 12.5, higherIsBetter: false });
  t.deepEqual(parseBenchFigure('{"value": 900, "higher_is_better": true}'), { value: 900, higherIsBetter: true });
  t.is(parseBenchFigure("no json here"), undefined);
  const ruff = parseRuff(
    JSON.stringify([
      {
        code: "F401",
        message: "`os` imported but unused",
        filename: "/w/calc.py",
        location: { row: 1 },
        fix: { applicability: "safe" },
      },
    ]),
  );
  t.deepEqual(ruff?.counts, { errors: 1, warnings: 0, fixable: 1 });
});
