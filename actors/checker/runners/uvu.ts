/**
 * uvu: no machine-readable reporter, so its closing block (`Total: 4`, `Passed: 2`,
 * `Skipped: 1`; uvu's total leaves the skipped tests out, so failed = total − passed) and its `FAIL  suite  "test"` blocks, each
 * followed by the assertion message and a stack whose first frame outside node_modules is the
 * test's place. Colour codes (uvu colours through kleur) are stripped first.
 */
import { stripVTControlCharacters } from "node:util";
import { headline } from "./types.ts";
import type { RunOutput, TestCounts, TestFailure } from "./types.ts";

const TOTAL = /^\s*Total:\s+(\d+)\s*$/m;
const PASSED = /^\s*Passed:\s+(\d+)\s*$/m;
const SKIPPED = /^\s*Skipped:\s+(\d+)\s*$/m;
const FAIL = /^\s*FAIL\s+(?:(.+?)\s+)?"(.*)"\s*$/;
const FRAME = /^\s*at (?:.*? \()?(?:file:\/\/)?(\/[^\s:()]+):(\d+):\d+\)?\s*$/;

const EXPECTED = /^\s*\+\+(.*?)\s+\(Expected\)\s*$/;
const ACTUAL = /^\s*--(.*?)\s+\(Actual\)\s*$/;

/** `Expected values to be strictly equal: expected 5, actual 4` from uvu's header and one-line diff. */
function uvuMessage(block: readonly string[]): string | undefined {
  const first = block.find((line) => line.trim() !== "");
  const header = first === undefined ? undefined : headline(first.replace(/\s+\(\w+\)\s*$/, ""));
  const expected = block.map((line) => EXPECTED.exec(line)?.[1]).find((value) => value !== undefined);
  const actual = block.map((line) => ACTUAL.exec(line)?.[1]).find((value) => value !== undefined);
  if (header === undefined || expected === undefined || actual === undefined) return header;
  return `${header} expected ${expected}, actual ${actual}`;
}

function failureAt(lines: readonly string[], at: number): TestFailure {
  const fail = FAIL.exec(lines[at]);
  const name = fail?.[1] === undefined ? (fail?.[2] ?? "test") : `${fail[1]} › ${fail[2]}`;
  const failure: TestFailure = { name };
  const block: string[] = [];
  for (let i = at + 1; i < lines.length && !FAIL.test(lines[i]) && !TOTAL.test(lines[i]); i++) {
    const frame = FRAME.exec(lines[i]);
    if (frame === null) {
      if (failure.file === undefined) block.push(lines[i]);
      continue;
    }
    if (failure.file === undefined && !frame[1].includes("/node_modules/")) {
      failure.file = frame[1];
      failure.line = Number(frame[2]);
    }
  }
  const message = uvuMessage(block);
  return message === undefined ? failure : { ...failure, message };
}

/** Parses uvu output; undefined without its closing `Total:` block. */
export function parseUvu(output: RunOutput): TestCounts | undefined {
  const text = stripVTControlCharacters(`${output.stdout}\n${output.stderr}`);
  const total = TOTAL.exec(text);
  const passed = PASSED.exec(text);
  if (total === null || passed === null) return undefined;
  const skipped = Number(SKIPPED.exec(text)?.[1] ?? 0);
  const lines = text.split("\n");
  const failures = lines.flatMap((line, index) => (FAIL.test(line) ? [failureAt(lines, index)] : []));
  const ran = Number(total[1]);
  const failed = Math.max(0, ran - Number(passed[1]));
  return { passed: Number(passed[1]), failed, skipped, total: ran + skipped, failures };
}
