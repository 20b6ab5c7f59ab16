/**
 * What every test-runner parser produces: counts from the runner's machine-readable output
 * (or its summary line where it has none) and the failing tests it names.
 */
import { stripVTControlCharacters } from "node:util";

/** The test runners patchbay understands. */
export type RunnerId =
  | "node-test"
  | "ava"
  | "jest"
  | "vitest"
  | "mocha"
  | "uvu"
  /** Any TAP producer: tape, node-tap, … */
  | "tap"
  | "pytest"
  | "unittest";

/** One failing test. */
export interface TestFailure {
  name: string;
  file?: string;
  line?: number;
  message?: string;
}

/** Counts of one test run. */
export interface TestCounts {
  passed: number;
  /** Failed, errored and cancelled tests. */
  failed: number;
  skipped: number;
  /** Tests the runner reported (passed + failed + skipped, unless the runner counts otherwise). */
  total: number;
  failures: TestFailure[];
}

/** The text a parser reads: the command's output and the report file it wrote, if any. */
export interface RunOutput {
  stdout: string;
  stderr: string;
  /** Content of the runner's report file (JSON or JUnit XML), when it wrote one. */
  report?: string;
}

/** A number from a regex group, 0 when absent. */
export function num(match: RegExpExecArray | null, group = 1): number {
  const value = match?.[group];
  return value === undefined ? 0 : Number.parseInt(value, 10);
}

/** Parses JSON, or undefined. */
export function tryJson(text: string | undefined): unknown {
  if (text === undefined || text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The last JSON object printed on its own in `text` (runners that print other lines around it). */
export function lastJsonObject(text: string): unknown {
  const whole = tryJson(text);
  if (whole !== undefined) return whole;
  const start = text.indexOf("\n{");
  return start < 0 ? undefined : tryJson(text.slice(start + 1));
}

/**
 * The line of an error message a developer reads first: colour codes stripped, the first
 * non-empty line, joined with the next one when it only announces it (`Expected values to be
 * strictly equal:` + `4 !== 5`); undefined for an empty message.
 */
export function headline(text: string | undefined): string | undefined {
  const lines = stripVTControlCharacters(text ?? "")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  if (lines.length === 0) return undefined;
  const first = lines[0].endsWith(":") && lines[1] !== undefined ? `${lines[0]} ${lines[1]}` : lines[0];
  return first.slice(0, 300);
}

/** The line of the first stack frame in `file` (`at … (/r/test/a.js:5:35)`, `file://` URLs too). */
export function lineIn(stack: string | undefined, file: string | undefined): number | undefined {
  if (stack === undefined || file === undefined) return undefined;
  for (const match of stripVTControlCharacters(stack).matchAll(/(?:file:\/\/)?(\/[^\s:()]+):(\d+):\d+/g))
    if (match[1] === file) return Number(match[2]);
  return undefined;
}
