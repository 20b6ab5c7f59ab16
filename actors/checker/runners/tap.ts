/**
 * TAP 13/14 from any producer: tape (and its ljharb variants), node-tap, AVA `--tap`, node:test
 * `--test-reporter=tap`. Counts come from the closing `# tests` / `# pass` / `# fail` /
 * `# skip` / `# todo` comments where the producer prints them, else from the test points
 * themselves (a subtest's points count, its parent's summary point does not). A failing point
 * is named by its description, prefixed with the `# name` comment of the tape test it belongs
 * to, and located by its YAML diagnostics (`at:` / `location:` / `stack:`).
 */
import { headline } from "./types.ts";
import type { RunOutput, TestCounts, TestFailure } from "./types.ts";

const POINT = /^(\s*)(not )?ok\b(?:\s+\d+)?(?:\s+-)?\s*(.*?)(?:\s+#\s*(skip|todo)\b.*)?$/i;
const SUMMARY = /^#\s+(tests|pass|fail|skip|todo|cancelled|skipped)\s+(\d+)\s*$/;
/** tape's `# test name` comment (not node-tap's `# Subtest:`, not a `# SKIP`/`# TODO` note). */
const TEST_NAME = /^#\s+(?!Subtest:|SKIP\b|TODO\b|time=|\{)(.+)$/;
/** A place in YAML diagnostics: `at: Test.<anonymous> (/r/test.js:5:5)`, `location: '/r/t.js:5:1'`. */
const PLACE = /^\s*(?:at|location):\s*(?:.*?\()?'?((?:file:\/\/)?\/[^\s:()']+):(\d+)(?::\d+)?\)?'?\s*$/;
const MESSAGE = /^\s*(?:message|error):\s*(.*)$/;
const EXPECTED = /^\s*expected:\s*(.+)$/;
const ACTUAL = /^\s*actual:\s*(.+)$/;

interface Point {
  failed: boolean;
  skipped: boolean;
  depth: number;
  failure?: TestFailure;
  /** The YAML diagnostics below a failing point. */
  diagnostics: string[];
}

function summaryOf(lines: readonly string[]): Record<string, number> | undefined {
  const sums: Record<string, number> = {};
  for (const line of lines) {
    const match = SUMMARY.exec(line);
    if (match !== null) sums[match[1]] = (sums[match[1]] ?? 0) + Number.parseInt(match[2], 10);
  }
  if (sums.tests !== undefined) return sums;
  // node-tap 18+: `# { total: 3, pass: 1, fail: 1, skip: 1 }`
  const object = lines.map((line) => /^# \{ (total: \d+.*) \}$/.exec(line)?.[1]).findLast(Boolean);
  if (object === undefined) return undefined;
  const entries = [...object.matchAll(/(\w+): (\d+)/g)].map((match) => [match[1], Number(match[2])] as const);
  const counts = Object.fromEntries(entries);
  return { ...counts, tests: counts.total };
}

function unquote(value: string): string {
  const trimmed = value.trim();
  return /^(['"]).*\1$/.test(trimmed) ? trimmed.slice(1, -1) : trimmed;
}

/** `message:` / `error:` of the diagnostics, or the first line of the block under it. */
function statedMessage(diagnostics: readonly string[]): string | undefined {
  const at = diagnostics.findIndex((line) => MESSAGE.test(line));
  if (at < 0) return undefined;
  const value = MESSAGE.exec(diagnostics[at])?.[1].trim() ?? "";
  if (["|-", "|", ">-", ">"].includes(value)) return headline(diagnostics.slice(at + 1, at + 6).join("\n"));
  return headline(unquote(value));
}

/** The message of a failing point: stated, else tape's expected/actual, else AVA's assertion. */
function messageOf(diagnostics: readonly string[]): string | undefined {
  const stated = statedMessage(diagnostics);
  if (stated !== undefined) return stated;
  const expected = diagnostics.map((line) => EXPECTED.exec(line)).find(Boolean);
  const actual = diagnostics.map((line) => ACTUAL.exec(line)).find(Boolean);
  if (expected && actual) return `expected ${expected[1].trim()}, actual ${actual[1].trim()}`;
  const assertion = diagnostics.map((line) => /^\s*assertion:\s*(.+)$/.exec(line)?.[1]).find(Boolean);
  return assertion === undefined ? undefined : `${assertion.trim()} failed`;
}

function withDiagnostics(failure: TestFailure, diagnostics: readonly string[]): TestFailure {
  const place = diagnostics
    .map((line) => PLACE.exec(line))
    .find((match) => match !== null && !match[1].includes("/node_modules/"));
  const message = messageOf(diagnostics);
  const tapFile = diagnostics.map((line) => /^\s*fileName:\s*(.+)$/.exec(line)?.[1]).find(Boolean);
  const tapLine = diagnostics.map((line) => /^\s*lineNumber:\s*(\d+)$/.exec(line)?.[1]).find(Boolean);
  if (place === undefined && tapFile !== undefined) {
    const line = tapLine === undefined ? {} : { line: Number(tapLine) };
    return { ...failure, file: tapFile.trim(), ...line, ...(message === undefined ? {} : { message }) };
  }
  return {
    ...failure,
    ...(place ? { file: place[1].replace(/^file:\/\//, ""), line: Number(place[2]) } : {}),
    ...(message === undefined ? {} : { message }),
  };
}

const SUBTEST = /^(\s*)# Subtest: (.+)$/;

/** The name of a point: its `# Subtest:` ancestors (node-tap, node:test) or tape's `# test name`, then its description. */
function pointName(
  ancestors: readonly { depth: number; name: string }[],
  testName: string | undefined,
  point: RegExpExecArray,
): string {
  const description = point[3].trim() || "test";
  const depth = point[1].length;
  const parents = ancestors.filter((entry) => entry.depth < depth).map((entry) => entry.name);
  if (parents.length === 0 && testName !== undefined && depth === 0) parents.push(testName);
  return [...parents, description].join(" › ");
}

function pointsOf(lines: readonly string[]): Point[] {
  const points: Point[] = [];
  const ancestors: { depth: number; name: string }[] = [];
  let testName: string | undefined;
  for (const line of lines) {
    const point = POINT.exec(line);
    const subtest = point === null ? SUBTEST.exec(line) : null;
    if (point !== null) {
      const depth = point[1].length;
      while (ancestors.length > 0 && ancestors[ancestors.length - 1].depth > depth) ancestors.pop();
      const failed = point[2] !== undefined && point[4] === undefined;
      const failure = failed ? { failure: { name: pointName(ancestors, testName, point) } } : {};
      points.push({ failed, skipped: point[4] !== undefined, depth, diagnostics: [], ...failure });
    } else if (subtest !== null) {
      const depth = subtest[1].length;
      while (ancestors.length > 0 && ancestors[ancestors.length - 1].depth >= depth) ancestors.pop();
      ancestors.push({ depth, name: subtest[2].trim() });
    } else if (TEST_NAME.test(line) && !SUMMARY.test(line)) testName = TEST_NAME.exec(line)?.[1].trim();
    else if (points.length > 0) points[points.length - 1].diagnostics.push(line);
  }
  return points;
}

/** A point right after deeper ones closes a subtest group: it is that group's summary, not a test. */
function isGroup(points: readonly Point[], index: number): boolean {
  return index > 0 && points[index - 1].depth > points[index].depth;
}

/** Points that are tests. */
function leaves(points: readonly Point[]): Point[] {
  return points.filter((_point, index) => !isGroup(points, index));
}

/** Failing tests, and failing groups none of whose subtests failed (a hook or the file itself broke). */
function failingPoints(points: readonly Point[]): Point[] {
  return points.filter((point, index) => {
    if (!point.failed || !isGroup(points, index)) return point.failed;
    for (let i = index - 1; i >= 0 && points[i].depth > point.depth; i--) if (points[i].failed) return false;
    return true;
  });
}

/** Parses TAP; undefined when there is no `TAP version` header nor any test point with a plan. */
export function parseTap(output: RunOutput): TestCounts | undefined {
  const text = `${output.stdout}\n${output.stderr}`;
  if (!/^TAP version \d+$/m.test(text) && !/^\s*1\.\.\d+\s*$/m.test(text)) return undefined;
  const lines = text.split("\n");
  const points = pointsOf(lines);
  const failures = failingPoints(points).map((point) =>
    withDiagnostics(point.failure ?? { name: "test" }, point.diagnostics),
  );
  const sums = summaryOf(lines);
  if (sums !== undefined) {
    const skipped = (sums.skip ?? 0) + (sums.skipped ?? 0) + (sums.todo ?? 0);
    const failed = (sums.fail ?? 0) + (sums.cancelled ?? 0);
    const passed = sums.pass ?? Math.max(0, sums.tests - failed - skipped);
    // AVA counts an uncaught exception as a failure but not as a test.
    return { passed, failed, skipped, total: Math.max(sums.tests, passed + failed + skipped), failures };
  }
  const tests = leaves(points);
  if (tests.length === 0) return undefined;
  const failed = tests.filter((point) => point.failed).length;
  const skipped = tests.filter((point) => point.skipped).length;
  return { passed: tests.length - failed - skipped, failed, skipped, total: tests.length, failures };
}
