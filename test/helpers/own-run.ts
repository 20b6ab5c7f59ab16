/**
 * A corpus repository's own test run, read the way its maintainer reads it: the runner's own
 * closing lines (TAP's `# tests`/`# pass`/`# fail` from node:test and tape, node-tap's per-file subtests, mocha's
 * `N passing`, unittest's `Ran N tests` + `OK`/`FAILED (…)`, pytest's `=== 1 failed, 2 passed in 0.1s ===`,
 * AVA's `N tests passed`/`N test failed` with its `✔`/`✖` lines, jest's `Tests: … N total`), the coverage table its
 * coverage tool prints (istanbul's `All files` row from c8/nyc, coverage.py's `TOTAL`), and
 * the names of the failing tests. Independent of the checker's parsers on purpose.
 */
import { execFile } from "node:child_process";
import type { Counts } from "./corpus.ts";

/** The machine's own Node and Python first: what a maintainer runs, not patchbay's Node 24. */
export const USER_PATH = `/usr/bin:/bin:/usr/local/bin`;

/** Runs `sh -c command` in `cwd` with the user's PATH; returns stdout + stderr and the exit code. */
export function shell(command: string, cwd: string, timeoutMs = 600_000): Promise<{ output: string; code: number }> {
  const env = { ...process.env, PATH: `${USER_PATH}:${process.env.PATH ?? ""}`, CI: "1", NO_COLOR: "1" };
  return new Promise((resolve) =>
    execFile(
      "sh",
      ["-c", `${command} 2>&1`],
      { cwd, env, timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 },
      (err, stdout) =>
        resolve({ output: stdout, code: err === null ? 0 : typeof err.code === "number" ? err.code : 1 }),
    ),
  );
}

function sumOf(output: string, pattern: RegExp): number | undefined {
  const found = [...output.matchAll(pattern)].map((m) => Number(m[1]));
  return found.length === 0 ? undefined : found.reduce((a, b) => a + b, 0);
}

function tapCounts(output: string): Counts | undefined {
  const total = sumOf(output, /^# tests\s+(\d+)$/gm);
  if (total === undefined) return undefined;
  const skipped = (sumOf(output, /^# skip(?:ped)?\s+(\d+)$/gm) ?? 0) + (sumOf(output, /^# todo\s+(\d+)$/gm) ?? 0);
  const failed = sumOf(output, /^# fail\s+(\d+)$/gm) ?? 0;
  return { passed: total - failed - skipped, failed, skipped, total };
}

function mochaCounts(output: string): Counts | undefined {
  const passed = sumOf(output, /^\s*(\d+) passing/gm);
  if (passed === undefined) return undefined;
  const failed = sumOf(output, /^\s*(\d+) failing/gm) ?? 0;
  const skipped = sumOf(output, /^\s*(\d+) pending/gm) ?? 0;
  return { passed, failed, skipped, total: passed + failed + skipped };
}

function unittestCounts(output: string): Counts | undefined {
  const total = sumOf(output, /^Ran (\d+) tests? in/gm);
  if (total === undefined) return undefined;
  const verdict = /^(?:OK|FAILED)(?: \((.*)\))?$/m.exec(output)?.[1] ?? "";
  const field = (name: string): number => Number(new RegExp(`${name}=(\\d+)`).exec(verdict)?.[1] ?? 0);
  const failed = field("failures") + field("errors") + field("unexpected successes");
  const skipped = field("skipped") + field("expected failures");
  return { passed: total - failed - skipped, failed, skipped, total };
}

/** node-tap's raw TAP (its reporter without a terminal): one subtest per file, whose subtests are the tests. */
function nodeTapCounts(output: string): Counts | undefined {
  if (!/^# Subtest: test\//m.test(output)) return undefined;
  const tests = [...output.matchAll(/^ {4}(not )?ok \d+ - .*?(?: # (SKIP|TODO)\b.*)?$/gm)];
  const failed = tests.filter((m) => m[1] !== undefined).length;
  const skipped = tests.filter((m) => m[1] === undefined && m[2] !== undefined).length;
  return { passed: tests.length - failed - skipped, failed, skipped, total: tests.length };
}

/**
 * pytest's closing line, with its `=` rule or without (`-q`): `2 failed, 295 passed, 1 skipped,
 * 2 warnings in 1.23s`. Errors count as failed, xfailed as skipped, xpassed as passed.
 */
export function pytestCounts(output: string): Counts | undefined {
  const line = [...output.matchAll(/^=*\s*((?:\d+ [a-z]+(?:, )?)+) in [\d.]+s\b/gm)].pop()?.[1];
  if (line === undefined) return undefined;
  const field = (word: string): number => Number(new RegExp(`(\\d+) ${word}\\b`).exec(line)?.[1] ?? 0);
  const passed = field("passed") + field("xpassed");
  const failed = field("failed") + field("errors?");
  const skipped = field("skipped") + field("xfailed");
  return { passed, failed, skipped, total: passed + failed + skipped };
}

/**
 * pytest's short summary lines `FAILED tests/test_x.py::TestCase::test_name[param] - …` (and
 * `ERROR …`): the node id without its file and parameters, `TestCase::test_name`, which a
 * JUnit `classname::name` contains too.
 */
export function pytestFailures(output: string): string[] {
  const ids = [...output.matchAll(/^(?:FAILED|ERROR) [^\s:]+\.py::(\S+?)(?:\[.*?\])?(?: - .*)?$/gm)];
  return ids.map((match) => match[1]);
}

/** AVA's closing summary: `19 tests passed`, or `1 test failed` (+ `… skipped`/`… todo`) and no passed line. */
const AVA_SUMMARY = /^ {2}(\d+) (?:tests? (?:passed|failed)|uncaught exceptions?)$/m;

/**
 * AVA's default reporter (verbose without a terminal): its summary names the failures, skips and
 * todos, but prints `N tests passed` only when nothing failed; then the passed ones are its `✔` lines.
 */
function avaCounts(output: string): Counts | undefined {
  if (!AVA_SUMMARY.test(output)) return undefined;
  const failed =
    (sumOf(output, /^ {2}(\d+) tests? failed$/gm) ?? 0) + (sumOf(output, /^ {2}(\d+) uncaught exceptions?$/gm) ?? 0);
  const skipped =
    (sumOf(output, /^ {2}(\d+) tests? skipped$/gm) ?? 0) + (sumOf(output, /^ {2}(\d+) tests? todo$/gm) ?? 0);
  const passed = sumOf(output, /^ {2}(\d+) tests? passed$/gm) ?? output.match(/^ {2}✔ /gm)?.length ?? 0;
  return { passed, failed, skipped, total: passed + failed + skipped };
}

/** Jest's closing `Tests:       2 failed, 1 skipped, 1 todo, 40 passed, 44 total` (summed over several runs). */
function jestCounts(output: string): Counts | undefined {
  const lines = [...output.matchAll(/^Tests:\s+(.*\d+ total)$/gm)].map((m) => m[1]);
  if (lines.length === 0) return undefined;
  const field = (word: string): number =>
    lines.reduce((sum, line) => sum + Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0), 0);
  return {
    passed: field("passed"),
    failed: field("failed"),
    skipped: field("skipped") + field("todo"),
    total: field("total"),
  };
}

/** The counts of the run's closing lines; throws when none is there. */
export function ownCounts(output: string): Counts {
  const counts =
    tapCounts(output) ??
    nodeTapCounts(output) ??
    mochaCounts(output) ??
    unittestCounts(output) ??
    pytestCounts(output) ??
    avaCounts(output) ??
    jestCounts(output);
  if (counts === undefined) throw new Error(`no runner summary in the output:\n${output.slice(-2000)}`);
  return counts;
}

/** Lines % of istanbul's text table (`All files | … | lines |`), its text-summary, or coverage.py's TOTAL. */
export function ownCoverage(output: string): number | undefined {
  const table = /^All files\s*\|\s*[\d.]+\s*\|\s*[\d.]+\s*\|\s*[\d.]+\s*\|\s*([\d.]+)/m.exec(output);
  const summary = /^Lines\s*:\s*([\d.]+)%/m.exec(output);
  const python = /^TOTAL\s+.*?([\d.]+)%$/m.exec(output);
  const found = table ?? summary ?? python;
  return found === null ? undefined : Number(found[1]);
}

/** Jest's failure headings `  ● describe › test name` (not its `● Console` blocks nor `● Test suite failed to run`). */
function jestFailure(line: string): string | undefined {
  const heading = /^ {2}● (.+)$/.exec(line)?.[1];
  return heading === undefined || /^(?:Console|Test suite failed to run)$/.test(heading) ? undefined : heading;
}

/**
 * Names of failing tests: TAP `not ok N - name` (tape's `not ok N <assertion>` is named by the `# test` line above it),
 * mocha's `N) …`, unittest's `FAIL: name`, jest's `● describe › name`, pytest's `FAILED file::name`, and (where
 * AVA's summary is) its `✖ name` / `✘ [fail]: name` lines.
 */
export function ownFailures(output: string): string[] {
  const names = new Set<string>();
  let tapeTest = "";
  for (const line of output.split("\n")) {
    const header = /^# (?!tests|pass|fail|skip|todo|cancelled|suites|duration_ms|ok|Subtest)(.+)$/.exec(line);
    if (header !== null) tapeTest = header[1];
    const notOk = /^\s*not ok \d+( - )?(.+?)(?: # .*)?$/.exec(line);
    if (/^not ok \d+ - test\//.test(line)) continue;
    if (notOk !== null) names.add(notOk[1] === undefined ? tapeTest : notOk[2]);
    const mocha = /^\s+\d+\) (.+?):?$/.exec(line);
    if (mocha !== null) names.add(mocha[1]);
    const unittest = /^(?:FAIL|ERROR): (\S+)/.exec(line);
    if (unittest !== null) names.add(unittest[1]);
    const jest = jestFailure(line);
    if (jest !== undefined) names.add(jest);
  }
  for (const name of pytestFailures(output)) names.add(name);
  return [...names, ...avaFailures(output)];
}

/**
 * AVA's failing tests, when its summary is there: `✖ name message` (AVA 1–3) or `✘ [fail]: name message`
 * (AVA 4+); the message follows the name on the line (AVA's own assertions leave it empty). A linter's
 * `✖  1:5 message` (xo, tsd) has two spaces after the cross.
 */
function avaFailures(output: string): string[] {
  if (!AVA_SUMMARY.test(output)) return [];
  return [...output.matchAll(/^ {2}(?:✖|✘ \[fail\]:) (\S.*?)\s*$/gm)].map((m) => m[1]);
}
