/**
 * AVA output: TAP from `ava --tap` (read as any TAP, see tap.ts; an uncaught exception in a
 * test file is a failing point named by the error), else the default reporter, which is verbose
 * without a terminal: one line per test (`✔ name`; `✖ name message` in AVA 1–3, `✘ [fail]: name
 * message` in AVA 4+; `- name` when skipped), closing lines (`1 test failed`, `1 test skipped`,
 * and `3 tests passed` only when nothing failed), then each failure's name alone on a line,
 * followed by its `file:line`.
 */
import { parseTap } from "./tap.ts";
import { num } from "./types.ts";
import type { RunOutput, TestCounts, TestFailure } from "./types.ts";

/** A failing test's line; the name starts right after the marker (a linter's `✖  1:5` does not). */
const FAILED_LINE = /^ {2}(?:✖|✘ \[fail\]:) (\S.*?)\s*$/gm;
const PASSED_LINE = /^ {2}✔ \S/gm;
const PLACE = /^\s*(\S+?):(\d+)$/;

/** Parses AVA output; undefined when neither form is there. */
export function parseAva(output: RunOutput): TestCounts | undefined {
  const tap = parseTap(output);
  if (tap !== undefined) return tap;
  const text = `${output.stdout}\n${output.stderr}`;
  const passed = /^\s*(\d+) tests? passed/m.exec(text);
  const failed = /^\s*(\d+) tests? failed/m.exec(text);
  if (passed === null && failed === null) return undefined;
  const skipped = num(/^\s*(\d+) tests? skipped/m.exec(text)) + num(/^\s*(\d+) tests? todo/m.exec(text));
  const counts = {
    // Without failures AVA says how many passed; with some, only its `✔` lines do.
    passed: passed === null ? (text.match(PASSED_LINE)?.length ?? 0) : num(passed),
    failed: num(failed) + num(/^\s*(\d+) uncaught exceptions?/m.exec(text)),
    skipped,
  };
  const failures = counts.failed > 0 ? reportedFailures(text) : [];
  return { ...counts, total: counts.passed + counts.failed + counts.skipped, failures };
}

/**
 * The failing tests of the default reporter. A test's line runs its name and the error message
 * together (`✖ throws Error thrown in test`); the name is the longest start of it that the
 * failure's details print alone on a line, and the `file:line` under that line places it.
 */
function reportedFailures(text: string): TestFailure[] {
  const lines = text.split("\n").map((line) => line.trim());
  return [...text.matchAll(FAILED_LINE)].map((match) => {
    const reported = match[1];
    const names = lines.filter((line) => line !== "" && startsWithName(reported, line));
    const name = names.reduce((best, line) => (line.length > best.length ? line : best), "") || reported;
    const message = reported.slice(name.length).trim();
    const failure: TestFailure = { name, ...placeOf(lines, name) };
    return message === "" ? failure : { ...failure, message };
  });
}

function startsWithName(reported: string, name: string): boolean {
  return reported === name || reported.startsWith(`${name} `);
}

/** The `file:line` printed under the failure's name in its details. */
function placeOf(lines: readonly string[], name: string): { file?: string; line?: number } {
  const at = lines.indexOf(name);
  const next = at < 0 ? undefined : lines.slice(at + 1).find((line) => line !== "");
  const place = next === undefined ? null : PLACE.exec(next);
  return place === null ? {} : { file: place[1], line: Number(place[2]) };
}
