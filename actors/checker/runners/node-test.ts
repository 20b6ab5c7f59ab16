/**
 * node:test output: the summary block of the TAP reporter (`# tests 5`) or the spec reporter
 * (`ℹ tests 5`); several blocks (several `node --test` runs in one script) are added up.
 */
import type { RunOutput, TestCounts, TestFailure } from "./types.ts";

const SUMMARY = /^(?:#|ℹ)\s+(tests|pass|fail|cancelled|skipped|todo)\s+(\d+)\s*$/gmu;
const TAP_FAILURE = /^\s*not ok \d+ - (.+?)(?:\s+#.*)?$/;
const TAP_LOCATION = /^\s*location: '(.+):(\d+):\d+'$/;
const TAP_RESULT = /^\s*(?:not )?ok \d+/;
const SPEC_FAILURE = /^test at (.+?):(\d+):\d+\n\s*✖ (.+?) \(/gmu;

/** Parses node:test output; undefined when no summary block is there. */
export function parseNodeTest(output: RunOutput): TestCounts | undefined {
  const text = `${output.stdout}\n${output.stderr}`;
  const sums: Record<string, number> = {};
  let found = false;
  for (const match of text.matchAll(SUMMARY)) {
    found = true;
    sums[match[1]] = (sums[match[1]] ?? 0) + Number.parseInt(match[2], 10);
  }
  if (!found) return undefined;
  const failed = (sums.fail ?? 0) + (sums.cancelled ?? 0);
  const skipped = (sums.skipped ?? 0) + (sums.todo ?? 0);
  return { passed: sums.pass ?? 0, failed, skipped, total: sums.tests ?? 0, failures: failuresOf(text) };
}

function failuresOf(text: string): TestFailure[] {
  const failures: TestFailure[] = [];
  for (const match of text.matchAll(SPEC_FAILURE))
    failures.push({ name: match[3], file: match[1], line: Number(match[2]) });
  if (failures.length > 0) return failures;
  let open: TestFailure | undefined;
  for (const line of text.split("\n")) {
    const failure = TAP_FAILURE.exec(line);
    if (failure !== null) failures.push((open = { name: failure[1] }));
    else if (TAP_RESULT.test(line)) open = undefined;
    const location = open === undefined ? null : TAP_LOCATION.exec(line);
    if (open !== undefined && location !== null) Object.assign(open, { file: location[1], line: Number(location[2]) });
  }
  return failures;
}
