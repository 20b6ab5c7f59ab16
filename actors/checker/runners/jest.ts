/**
 * Jest and Vitest: both write the same JSON report (`jest --json --outputFile`, `vitest
 * --reporter=json --outputFile`): numTotalTests, numPassedTests, numFailedTests,
 * numPendingTests, numTodoTests and per-file assertionResults. Without the report, the
 * summary line: Jest `Tests: 1 failed, 3 passed, 4 total`, Vitest `Tests  1 failed | 3 passed (4)`.
 */
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

/** Parses a Jest or Vitest run: the JSON report, else JSON on stdout, else the summary line. */
export function parseJestLike(output: RunOutput): TestCounts | undefined {
  for (const candidate of [tryJson(output.report), lastJsonObject(output.stdout)]) {
    if (isReport(candidate)) return fromReport(candidate);
  }
  const text = `${output.stdout}\n${output.stderr}`;
  const jest = /^Tests:\s+(.*?)(\d+) total$/m.exec(text);
  if (jest !== null) {
    const part = (word: string): number => num(new RegExp(`(\\d+) ${word}`).exec(jest[1]));
    return {
      passed: part("passed"),
      failed: part("failed"),
      skipped: part("skipped") + part("todo"),
      total: Number(jest[2]),
      failures: [],
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
