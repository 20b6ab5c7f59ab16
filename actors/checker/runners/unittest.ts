/**
 * unittest has no machine-readable output: its summary (`Ran 5 tests in 0.001s`, then `OK`,
 * `OK (skipped=1)` or `FAILED (failures=1, errors=1, skipped=1)`) and the `FAIL: name (id)` /
 * `ERROR: name (id)` headers of failing tests.
 */
import { num } from "./types.ts";
import type { RunOutput, TestCounts } from "./types.ts";

/** Parses a unittest run (it writes to stderr); undefined when there is no `Ran N tests` line. */
export function parseUnittest(output: RunOutput): TestCounts | undefined {
  const text = `${output.stderr}\n${output.stdout}`;
  const ran = [...text.matchAll(/^Ran (\d+) tests? in [\d.]+s$/gm)];
  if (ran.length === 0) return undefined;
  const total = ran.reduce((sum, match) => sum + Number(match[1]), 0);
  let failed = 0,
    skipped = 0;
  for (const status of text.matchAll(/^(?:OK|FAILED)(?: \((.*)\))?$/gm)) {
    const detail = status[1] ?? "";
    failed +=
      num(/failures=(\d+)/.exec(detail)) +
      num(/errors=(\d+)/.exec(detail)) +
      num(/unexpected successes=(\d+)/.exec(detail));
    skipped += num(/skipped=(\d+)/.exec(detail));
  }
  const failures = [...text.matchAll(/^(FAIL|ERROR): (\S+) \(([^)]+)\)/gm)].map((match) => ({
    name: match[3].endsWith(`.${match[2]}`) ? match[3] : `${match[3]}.${match[2]}`,
    message: match[1] === "ERROR" ? "raised an error" : "assertion failed",
  }));
  return { passed: Math.max(0, total - failed - skipped), failed, skipped, total, failures };
}
