/**
 * AVA output: TAP from `ava --tap` (`# tests`, `# pass`, `# skip`, `# fail`, `not ok N - name`),
 * else the default reporter's closing lines (`3 tests passed`, `1 test failed`, `1 test skipped`).
 */
import { num } from "./types.ts";
import type { RunOutput, TestCounts } from "./types.ts";

/** Parses AVA output; undefined when neither form is there. */
export function parseAva(output: RunOutput): TestCounts | undefined {
  const text = `${output.stdout}\n${output.stderr}`;
  const tests = /^# tests (\d+)$/m.exec(text);
  if (tests !== null) {
    const passed = num(/^# pass (\d+)$/m.exec(text));
    const skipped = num(/^# skip (\d+)$/m.exec(text)) + num(/^# todo (\d+)$/m.exec(text));
    const failed = num(/^# fail (\d+)$/m.exec(text));
    const failures = [...text.matchAll(/^not ok \d+ - (.+?)(?:\s+#.*)?$/gm)].map((match) => ({ name: match[1] }));
    return { passed, failed, skipped, total: Number(tests[1]), failures };
  }
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
