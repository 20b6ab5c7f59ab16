/**
 * pytest: the JUnit XML report (`--junitxml=…`: `tests`, `failures`, `errors`, `skipped` of
 * each testsuite, and each failing testcase), else the summary line
 * `=== 1 failed, 3 passed, 1 skipped in 0.12s ===` (with or without the `=` rule).
 */
import { num } from "./types.ts";
import type { RunOutput, TestCounts, TestFailure } from "./types.ts";

function attr(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

function unescapeXml(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

function fromJunit(xml: string): TestCounts | undefined {
  const suites = [...xml.matchAll(/<testsuite\b[^>]*>/g)].map((match) => match[0]);
  if (suites.length === 0) return undefined;
  let total = 0,
    failed = 0,
    skipped = 0;
  for (const suite of suites) {
    total += Number(attr(suite, "tests") ?? 0);
    failed += Number(attr(suite, "failures") ?? 0) + Number(attr(suite, "errors") ?? 0);
    skipped += Number(attr(suite, "skipped") ?? 0);
  }
  const failures: TestFailure[] = [];
  for (const match of xml.matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const failure = /<(failure|error)\b([^>]*)>/.exec(match[2] ?? "");
    if (failure === null) continue;
    const name = [attr(match[1], "classname"), attr(match[1], "name")].filter(Boolean).join("::");
    const line = attr(match[1], "line");
    const message = attr(failure[2], "message");
    failures.push({
      name: unescapeXml(name),
      file: attr(match[1], "file"),
      line: line === undefined ? undefined : Number(line) + 1,
      message: message === undefined ? undefined : unescapeXml(message).split("\n")[0],
    });
  }
  return { passed: Math.max(0, total - failed - skipped), failed, skipped, total, failures };
}

/** Parses a pytest run; undefined when neither the report nor a summary line is there. */
export function parsePytest(output: RunOutput): TestCounts | undefined {
  const fromXml = output.report === undefined ? undefined : fromJunit(output.report);
  if (fromXml !== undefined) return fromXml;
  const text = `${output.stdout}\n${output.stderr}`;
  const summary = [...text.matchAll(/^=*\s*((?:\d+ \w+(?:, )?)+) in [\d.]+s\b.*$/gm)].pop()?.[1];
  if (summary === undefined)
    return /no tests ran/.test(text) ? { passed: 0, failed: 0, skipped: 0, total: 0, failures: [] } : undefined;
  const part = (word: string): number => num(new RegExp(`(\\d+) ${word}`).exec(summary));
  const counts = {
    passed: part("passed"),
    failed: part("failed") + part("errors?"),
    skipped: part("skipped") + part("xfailed"),
  };
  const failures = [...text.matchAll(/^(?:FAILED|ERROR) (\S+?)(?:::(\S+))?(?: - (.*))?$/gm)].map((match) => ({
    name: match[2] ?? match[1],
    file: match[1].split("::")[0],
    message: match[3],
  }));
  return { ...counts, total: counts.passed + counts.failed + counts.skipped + part("xpassed"), failures };
}
