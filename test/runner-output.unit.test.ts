// Proves that every JS runner's real output (captured on this machine, see
// test/fixtures/runners/readme.md) gives exact counts and failing tests with a message a
// developer can act on (first line of the assertion, file and line), that crashed test files
// show their first error instead of the end of a stack trace, and that colour codes never reach
// a message.
import test from "ava";
import { readFileSync } from "node:fs";
import { errorExcerpt, parseJunit, parseRun } from "../actors/checker/index.ts";
import type { RunnerId } from "../actors/checker/index.ts";

const dir = new URL("./fixtures/runners/", import.meta.url);
const read = (name: string): string => {
  try {
    return readFileSync(new URL(name, dir), "utf8");
  } catch {
    return "";
  }
};
/** The captured run `base` (`base.stdout`, `base.stderr`) with its report file. */
const run = (base: string, report?: string) => ({
  stdout: read(`${base}.stdout`),
  stderr: read(`${base}.stderr`),
  report: report === undefined ? undefined : read(report),
});
const parse = (runner: RunnerId | undefined, base: string, report?: string) => parseRun(runner, run(base, report));
const result = (base: string) => ({
  stdoutTail: read(`${base}.stdout`),
  stderrTail: read(`${base}.stderr`),
});

const ADD = "Expected values to be strictly equal: 4 !== 5";
const MUL = "Expected values to be strictly equal: 6 !== 7";
const NODE_FILE = "/tmp/rcap/node-test/math.test.js";

test("node:test JUnit report: suite › test names, messages, lines from the spec output", (t) => {
  t.deepEqual(parse("node-test", "node-test.spec", "node-test.junit.xml"), {
    passed: 2,
    failed: 2,
    skipped: 1,
    total: 5,
    failures: [
      { name: "adds wrongly", file: NODE_FILE, line: 6, message: ADD },
      { name: "mul › multiplies wrongly", file: NODE_FILE, line: 10, message: MUL },
    ],
  });
});

test("node:test spec and TAP output without a report", (t) => {
  t.deepEqual(parse("node-test", "node-test.spec")?.failures, [
    {
      name: "adds wrongly",
      file: "node-test/math.test.js",
      line: 6,
      message: `AssertionError [ERR_ASSERTION]: ${ADD}`,
    },
    {
      name: "multiplies wrongly",
      file: "node-test/math.test.js",
      line: 10,
      message: `AssertionError [ERR_ASSERTION]: ${MUL}`,
    },
  ]);
  t.deepEqual(parse("node-test", "node-test.tap"), {
    passed: 2,
    failed: 2,
    skipped: 1,
    total: 5,
    failures: [
      { name: "adds wrongly", file: NODE_FILE, line: 6, message: ADD },
      { name: "mul › multiplies wrongly", file: NODE_FILE, line: 10, message: MUL },
    ],
  });
});

test("node:test: a test file that crashes is one failure carrying the file's first error", (t) => {
  t.like(parse("node-test", "node-crash.spec", "node-crash.junit.xml"), { passed: 0, failed: 1, total: 1 });
  t.is(
    parse("node-test", "node-crash.spec", "node-crash.junit.xml")?.failures[0].message,
    "TypeError: Cannot read properties of undefined (reading 'setup') at /tmp/rcap/crash/crash.test.js:4",
  );
});

test("jest JSON: describe › test, assertion line and file:line; a broken file counts as a failure", (t) => {
  t.deepEqual(parse("jest", "jest", "jest.json"), {
    passed: 1,
    failed: 2,
    skipped: 1,
    total: 4,
    failures: [
      {
        name: "math › adds wrongly",
        file: "/tmp/rcap/jest/math.test.cjs",
        line: 4,
        message: "Error: expect(received).toBe(expected) // Object.is equality",
      },
      {
        name: "test file failed to run",
        file: "/tmp/rcap/jest/crash.test.cjs",
        message: "TypeError: Cannot read properties of undefined (reading 'setup')",
      },
    ],
  });
  // Without the report (a script like `jest && tsd`): the summary line, and the failing tests its reporter names.
  t.deepEqual(parse("jest", "jest"), {
    passed: 1,
    failed: 1,
    skipped: 1,
    total: 3,
    failures: [
      {
        name: "math › adds wrongly",
        file: "jest/math.test.cjs",
        line: 4,
        message: "expect(received).toBe(expected) // Object.is equality",
      },
    ],
  });
});

test("vitest JSON: a file that fails to import counts as a failure", (t) => {
  t.deepEqual(parse("vitest", "vitest", "vitest.json"), {
    passed: 1,
    failed: 2,
    skipped: 1,
    total: 4,
    failures: [
      {
        name: "test file failed to run",
        file: "/tmp/rcap/vitest/crash.test.js",
        message: "Cannot read properties of undefined (reading 'setup')",
      },
      {
        name: "math › adds wrongly",
        file: "/tmp/rcap/vitest/math.test.js",
        line: 5,
        message: "AssertionError: expected 4 to be 5 // Object.is equality",
      },
    ],
  });
});

test("mocha JSON: full title, message with its detail line, file:line from the stack", (t) => {
  t.deepEqual(parse("mocha", "mocha", "mocha.json"), {
    passed: 1,
    failed: 1,
    skipped: 1,
    total: 3,
    failures: [{ name: "math adds wrongly", file: "/tmp/rcap/mocha/math.test.js", line: 5, message: ADD }],
  });
});

test("mocha spec output (a script the reporter cannot be added to): counts and the failing test by suite › title", (t) => {
  t.deepEqual(parse("mocha", "mocha.spec"), {
    passed: 1,
    failed: 1,
    skipped: 1,
    total: 3,
    failures: [{ name: "math › adds wrongly", message: "AssertionError [ERR_ASSERTION]: " + ADD }],
  });
});

test("JUnit XML from vitest and mocha xunit is read the same way", (t) => {
  t.deepEqual(parseJunit(read("vitest.junit.xml")), {
    passed: 1,
    failed: 2,
    skipped: 1,
    total: 4,
    failures: [
      {
        name: "crash.test.js",
        file: undefined,
        line: undefined,
        message: "Cannot read properties of undefined (reading 'setup')",
      },
      {
        name: "math > adds wrongly",
        file: undefined,
        line: undefined,
        message: "expected 4 to be 5 // Object.is equality",
      },
    ],
  });
  t.like(parseJunit(read("mocha.xunit.xml")), { passed: 1, failed: 1, skipped: 1, total: 3 });
  t.is(parseJunit(read("mocha.xunit.xml"))?.failures[0].message, ADD);
  t.is(parseJunit("not xml <at all"), undefined);
  t.is(parseJunit('{"numTotalTests": 1}'), undefined);
});

test("uvu: counts from its closing block (skipped tests are outside its total), FAIL blocks, no colour codes", (t) => {
  const expected = {
    passed: 2,
    failed: 2,
    skipped: 1,
    total: 5,
    failures: [
      {
        name: "adds wrongly",
        file: "/tmp/rcap/uvu/math.test.js",
        line: 5,
        message: "Expected values to be strictly equal: expected 5, actual 4",
      },
      {
        name: "math › fails deep",
        file: "/tmp/rcap/uvu/math.test.js",
        line: 10,
        message: "Expected values to be deeply equal:",
      },
    ],
  };
  t.deepEqual(parse("uvu", "uvu-cli"), expected);
  t.deepEqual(parse("uvu", "uvu-color"), expected);
  t.deepEqual(parse(undefined, "uvu-color"), expected);
  t.like(parse("uvu", "uvu"), { passed: 2, failed: 2, skipped: 1, total: 5 });
  t.is(parse("uvu", "uvu-crash"), undefined);
});

test("tape TAP: assertions counted, failure named test › assertion with expected/actual and place", (t) => {
  const expected = {
    passed: 2,
    failed: 1,
    skipped: 0,
    total: 3,
    failures: [
      {
        name: "adds wrongly › two plus two",
        file: "/tmp/rcap/tape/math.test.js",
        line: 8,
        message: "expected 5, actual 4",
      },
    ],
  };
  t.deepEqual(parse("tap", "tape"), expected);
  t.deepEqual(parse(undefined, "tape"), expected);
  t.is(parse("tap", "tape-crash"), undefined);
});

test("node-tap TAP 14: nested subtests are the tests, their parents are not", (t) => {
  t.deepEqual(parse("tap", "node-tap"), {
    passed: 1,
    failed: 1,
    skipped: 1,
    total: 3,
    failures: [{ name: "tapt/math.test.js › adds wrongly › two plus two", file: "tapt/math.test.js", line: 4 }],
  });
});

test("TAP without a closing summary (cut output): the innermost points are the tests", (t) => {
  const cut = read("node-tap.stdout").replace(/^# \{ total.*$/m, "");
  t.like(parseRun("tap", { stdout: cut, stderr: "" }), { passed: 1, failed: 1, skipped: 1, total: 3 });
});

test("AVA TAP, with an uncaught exception in a test file", (t) => {
  t.deepEqual(parse("ava", "ava.tap"), {
    passed: 1,
    failed: 1,
    skipped: 1,
    total: 3,
    failures: [{ name: "adds wrongly", message: "t.is() failed" }],
  });
  const crash = parse("ava", "ava-crash.tap");
  t.like(crash, { passed: 1, failed: 3, skipped: 1, total: 5 });
  t.deepEqual(crash?.failures[0], {
    name: "TypeError: Cannot read properties of undefined (reading 'setup')",
    file: "/tmp/rcap2/test/crash.test.js",
    line: 4,
    message: "Cannot read properties of undefined (reading 'setup')",
  });
});

test("AVA's default reporter: passed tests are its ✔ lines when some failed, failures named apart from their message", (t) => {
  // AVA 6 prints `1 test failed` and `1 test skipped`, but no passed line once a test failed.
  t.deepEqual(parse("ava", "ava"), {
    passed: 1,
    failed: 1,
    skipped: 1,
    total: 3,
    failures: [{ name: "adds wrongly", file: "test/math.test.js", line: 4 }],
  });
  // AVA 2 runs a test's name and its error message together on the `✖` line.
  t.deepEqual(parse("ava", "ava2"), {
    passed: 1,
    failed: 2,
    skipped: 1,
    total: 4,
    failures: [
      { name: "math › adds wrongly", file: "/tmp/rcap-ava2/test/math.test.js", line: 4 },
      {
        name: "throws › throws",
        file: "/tmp/rcap-ava2/test/throws.test.js",
        line: 3,
        message: "Error thrown in test",
      },
    ],
  });
});

test("a crashed run is quoted by its first error and where it happened, not its last stack lines", (t) => {
  const first = "TypeError: Cannot read properties of undefined (reading 'setup')";
  t.is(errorExcerpt(result("uvu-crash"), "/tmp/rcap"), `${first} at uvu-crash/crash.test.js:4`);
  t.is(errorExcerpt(result("tape-crash"), "/tmp/rcap"), `${first} at tape-crash/crash.test.js:4`);
  t.is(errorExcerpt(result("mocha-crash"), "/tmp/rcap"), `${first} at mocha-crash/crash.test.js:4`);
  // The error is thrown inside tape: the place quoted is the test file that called it.
  t.is(
    errorExcerpt(result("tape-only"), "/tmp/rcap"),
    "Error: there can only be one only test at dep-crash/dep.test.js:5",
  );
  const coloured = { ...result("uvu-color"), stdoutTail: read("uvu-color.stdout"), stderrTail: "" };
  t.false(errorExcerpt(coloured).includes("\u001b"));
  t.is(errorExcerpt(coloured), "Passed:    2 | Skipped:   1 | Duration:  62.85ms");
  t.is(errorExcerpt({ ...coloured, stdoutTail: "\u001b[31mall\u001b[39m\ngood\n" }), "all | good");
});
