/**
 * node:test. With reporter arguments (`--test-reporter=junit` to a file and `spec` to stdout)
 * the JUnit report gives counts and failing tests (`suite › test`), and the spec reporter's
 * `failing tests` section their lines. Otherwise the output: the spec reporter's summary block
 * (`ℹ tests 5`; several blocks, from several `node --test` runs in one script, are added up)
 * with its failing tests, or TAP (`--test-reporter=tap`, the default before Node 20). A test
 * file that crashes before its tests run is one failing test named by the file; its message is
 * the file's first error.
 */
import { stripVTControlCharacters } from "node:util";
import { firstErrorIn } from "../error-excerpt.ts";
import { parseJunit } from "./junit.ts";
import { parseTap } from "./tap.ts";
import { headline } from "./types.ts";
import type { RunOutput, TestCounts, TestFailure } from "./types.ts";

const SUMMARY = /^ℹ\s+(tests|pass|fail|cancelled|skipped|todo)\s+(\d+)\s*$/gmu;
/** `test at file:line:col` then `✖ name (1.2ms)` then the error, up to the next blank-line-separated entry. */
const SPEC_FAILURE =
  /^test at (.+?):(\d+):\d+\n\s*✖ (.+?) \([\d.]+m?s\)(?:\s*#.*)?\n((?:.*\S.*\n?|\s*\n(?!test at ))*)/gmu;
/** node's message of a file that failed without a failing test (it crashed or exited non-zero). */
const FILE_FAILED = /^'?test failed'?$|^\[?Error: test failed/;

function specFailures(text: string): TestFailure[] {
  return [...text.matchAll(SPEC_FAILURE)].map((match) => ({
    name: match[3],
    file: match[1],
    line: Number(match[2]),
    message: headline(match[4]),
  }));
}

function fromSpec(text: string): TestCounts | undefined {
  const sums: Record<string, number> = {};
  for (const match of text.matchAll(SUMMARY)) sums[match[1]] = (sums[match[1]] ?? 0) + Number(match[2]);
  if (sums.tests === undefined) return undefined;
  const failed = (sums.fail ?? 0) + (sums.cancelled ?? 0);
  const skipped = (sums.skipped ?? 0) + (sums.todo ?? 0);
  return { passed: sums.pass ?? 0, failed, skipped, total: sums.tests, failures: specFailures(text) };
}

/** A file-level failure gets the first error the output shows instead of node's "test failed". */
function withCrash(failure: TestFailure, text: string): TestFailure {
  if (failure.message !== undefined && !FILE_FAILED.test(failure.message)) return failure;
  const error = firstErrorIn(text);
  return error === undefined ? failure : { ...failure, message: error };
}

function fromJunit(report: string | undefined, text: string): TestCounts | undefined {
  const counts = parseJunit(report, {
    name: (test) =>
      test.classname === undefined || test.classname === "test" ? test.name : `${test.classname} › ${test.name}`,
  });
  if (counts === undefined) return undefined;
  const lines = specFailures(text);
  const failures = counts.failures.map((failure) => {
    const spec = lines.find((entry) => failure.name === entry.name || failure.name.endsWith(` › ${entry.name}`));
    if (spec === undefined) return withCrash(failure, text);
    // Node 20's JUnit has no file attribute and drops its message's line breaks: then the spec entry's.
    const fromSpec = failure.file === undefined ? { file: spec.file, message: spec.message } : {};
    return withCrash({ ...failure, line: spec.line, ...fromSpec }, text);
  });
  return { ...counts, failures };
}

/** Parses node:test output; undefined when neither a report, a summary block nor TAP is there. */
export function parseNodeTest(output: RunOutput): TestCounts | undefined {
  const text = stripVTControlCharacters(`${output.stdout}\n${output.stderr}`);
  const counts = fromJunit(output.report, text) ?? fromSpec(text) ?? parseTap(output);
  if (counts === undefined) return undefined;
  return { ...counts, failures: counts.failures.map((failure) => withCrash(failure, text)) };
}
