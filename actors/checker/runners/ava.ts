/**
 * AVA output: TAP from `ava --tap` (read as any TAP, see tap.ts; an uncaught exception in a
 * test file is a failing point named by the error), else the default reporter's closing lines (`3 tests passed`, `1 test failed`, `1 test skipped`).
 */
import { parseTap } from "./tap.ts";
import { num } from "./types.ts";
import type { RunOutput, TestCounts } from "./types.ts";

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
    passed: num(passed),
    failed: num(failed) + num(/^\s*(\d+) uncaught exceptions?/m.exec(text)),
    skipped,
  };
  return { ...counts, total: counts.passed + counts.failed + counts.skipped, failures: [] };
}
