/**
 * Jest and Vitest: both write the same JSON report (`jest --json --outputFile`, `vitest
 * --reporter=json --outputFile`): numTotalTests, numPassedTests, numFailedTests,
 * numPendingTests, numTodoTests and per-file assertionResults. Without the report, the
 * summary line: Jest `Tests: 1 failed, 3 passed, 4 total` (with the failing tests its reporter
 * names), Vitest `Tests  1 failed | 3 passed (4)`.
 */
import { stripVTControlCharacters } from "node:util";
import { firstErrorIn } from "../error-excerpt.ts";
import { headline, lastJsonObject, lineIn, num, tryJson } from "./types.ts";
import type { RunOutput, TestCounts, TestFailure } from "./types.ts";

interface JestAssertion {
  ancestorTitles?: string[];
  fullName?: string;
  title?: string;
  status?: string;
  failureMessages?: string[];
  location?: { line?: number } | null;
}
interface JestReport {
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests?: number;
  numTodoTests?: number;
  numRuntimeErrorTestSuites?: number;
  testResults?: { name?: string; assertionResults?: JestAssertion[]; message?: string; status?: string }[];
}

function isReport(value: unknown): value is JestReport {
  return value !== null && typeof value === "object" && typeof (value as JestReport).numTotalTests === "number";
}

function assertionFailure(file: { name?: string }, test: JestAssertion): TestFailure {
  const detail = test.failureMessages?.[0];
  return {
    name:
      test.title === undefined ? (test.fullName ?? "test") : [...(test.ancestorTitles ?? []), test.title].join(" › "),
    file: file.name,
    line: test.location?.line ?? lineIn(detail, file.name),
    message: headline(detail),
  };
}

/** A test file that failed before any of its tests ran (an import or a top-level statement threw). */
function fileFailure(file: { name?: string; message?: string }): TestFailure {
  const error = file.message === undefined ? undefined : (firstErrorIn(file.message) ?? headline(file.message));
  return { name: "test file failed to run", file: file.name, message: error };
}

function fromReport(report: JestReport): TestCounts {
  const failures: TestFailure[] = [];
  let brokenFiles = 0;
  for (const file of report.testResults ?? []) {
    for (const test of file.assertionResults ?? [])
      if (test.status === "failed") failures.push(assertionFailure(file, test));
    if ((file.assertionResults ?? []).length === 0 && file.status === "failed") {
      brokenFiles += 1;
      failures.push(fileFailure(file));
    }
  }
  // Jest counts broken files as runtime errors; Vitest only marks them failed.
  const suiteErrors = Math.max(report.numRuntimeErrorTestSuites ?? 0, brokenFiles);
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  const failed = report.numFailedTests + suiteErrors;
  return { passed: report.numPassedTests, failed, skipped, total: report.numTotalTests + suiteErrors, failures };
}

/** Jest's headings that are not a failing test: console output, a test file that could not run. */
const NOT_A_TEST = new Set(["Console", "Test suite failed to run"]);

/**
 * The failing tests of Jest's default reporter, for a run without the JSON report (a script
 * like `jest && tsd`): each `FAIL <file>` is followed by a block per failing test, headed
 * `  ● describe › test`, whose first line is the assertion and whose `> 12 |` marks the line.
 * The blocks come again under "Summary of all failing tests"; each test is named once.
 */
function textFailures(text: string): TestFailure[] {
  const failures = new Map<string, TestFailure>();
  let file: string | undefined;
  let current: { failure: TestFailure; body: string[] } | undefined;
  const close = (): void => {
    if (current === undefined) return;
    const { failure, body } = current;
    const marked = /^\s+> (\d+) \|/m.exec(body.join("\n"));
    failures.set(`${failure.file}\0${failure.name}`, {
      ...failure,
      line: marked === null ? undefined : Number(marked[1]),
      message: headline(body.join("\n")),
    });
    current = undefined;
  };
  for (const line of text.split("\n")) {
    const heading = /^ {2}● (.+)$/.exec(line)?.[1];
    const fileLine = /^(?:FAIL|PASS) (\S+)/.exec(line)?.[1];
    if (heading !== undefined || fileLine !== undefined || /^Test Suites:/.test(line)) close();
    if (fileLine !== undefined) file = fileLine;
    if (heading !== undefined && !NOT_A_TEST.has(heading)) current = { failure: { name: heading, file }, body: [] };
    else if (heading === undefined) current?.body.push(line);
  }
  close();
  return [...failures.values()];
}

/** Parses a Jest or Vitest run: the JSON report, else JSON on stdout, else the summary line. */
export function parseJestLike(output: RunOutput): TestCounts | undefined {
  for (const candidate of [tryJson(output.report), lastJsonObject(output.stdout)]) {
    if (isReport(candidate)) return fromReport(candidate);
  }
  const text = stripVTControlCharacters(`${output.stdout}\n${output.stderr}`);
  const jest = /^Tests:\s+(.*?)(\d+) total$/m.exec(text);
  if (jest !== null) {
    const part = (word: string): number => num(new RegExp(`(\\d+) ${word}`).exec(jest[1]));
    return {
      passed: part("passed"),
      failed: part("failed"),
      skipped: part("skipped") + part("todo"),
      total: Number(jest[2]),
      failures: textFailures(text),
    };
  }
  const vitest = /^\s*Tests\s+(.*?)\((\d+)\)\s*$/m.exec(text);
  if (vitest === null) return undefined;
  const part = (word: string): number => num(new RegExp(`(\\d+) ${word}`).exec(vitest[1]));
  return {
    passed: part("passed"),
    failed: part("failed"),
    skipped: part("skipped") + part("todo"),
    total: Number(vitest[2]),
    failures: [],
  };
}
