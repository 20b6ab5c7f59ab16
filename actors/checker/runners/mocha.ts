/**
 * Mocha: the JSON reporter (`--reporter json`, to a file with `--reporter-option output=…`):
 * `stats.tests/passes/failures/pending` and `failures[]`; else the spec reporter's
 * `3 passing`, `1 failing`, `1 pending` and its numbered failure blocks (`  1) suite` then the
 * test's title ending in `:`, a blank line, the error).
 */
import { stripVTControlCharacters } from "node:util";
import { headline, lastJsonObject, lineIn, num, tryJson } from "./types.ts";
import type { RunOutput, TestCounts, TestFailure } from "./types.ts";

interface MochaReport {
  stats: { tests: number; passes: number; failures: number; pending?: number };
  failures?: { fullTitle?: string; title?: string; file?: string; err?: { message?: string; stack?: string } }[];
}

function isReport(value: unknown): value is MochaReport {
  const stats = (value as MochaReport | null)?.stats;
  return stats !== undefined && typeof stats === "object" && typeof stats.tests === "number";
}

/** Parses a Mocha run; undefined when neither form is there. */
export function parseMocha(output: RunOutput): TestCounts | undefined {
  for (const candidate of [tryJson(output.report), lastJsonObject(output.stdout)]) {
    if (!isReport(candidate)) continue;
    const { stats } = candidate;
    const failures = (candidate.failures ?? []).map((failure) => {
      const line = lineIn(failure.err?.stack, failure.file);
      return {
        name: failure.fullTitle ?? failure.title ?? "test",
        file: failure.file,
        ...(line === undefined ? {} : { line }),
        message: headline(failure.err?.message),
      };
    });
    const pending = stats.pending ?? 0;
    // Hook failures count as failures but not as tests.
    return {
      passed: stats.passes,
      failed: stats.failures,
      skipped: pending,
      total: Math.max(stats.tests, stats.passes + stats.failures + pending),
      failures,
    };
  }
  const text = stripVTControlCharacters(`${output.stdout}\n${output.stderr}`);
  const passing = /^\s*(\d+) passing/m.exec(text);
  if (passing === null) return undefined;
  const failed = num(/^\s*(\d+) failing/m.exec(text));
  const skipped = num(/^\s*(\d+) pending/m.exec(text));
  const failures = specFailures(text.slice(text.search(/^\s*\d+ failing/m)));
  return { passed: num(passing), failed, skipped, total: num(passing) + failed + skipped, failures };
}

/** A numbered block of the spec reporter: title lines up to the one ending in `:`, a blank line, the error. */
const SPEC_FAILURE = /^ {2}\d+\) ((?:.+\n)*?.+):\n\s*\n([\s\S]*?)(?=^ {2}\d+\) |(?![\s\S]))/gm;

function specFailures(text: string): TestFailure[] {
  return [...text.matchAll(SPEC_FAILURE)].map((match) => ({
    name: match[1]
      .split("\n")
      .map((part) => part.trim())
      .join(" › "),
    message: headline(match[2]),
  }));
}
