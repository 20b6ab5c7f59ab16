/**
 * Test modules a Python runner could not import: pytest's collection errors (the
 * `collection failure` entries of its JUnit report, else the `ERROR collecting …` blocks of
 * its output) and a conftest.py it could not load, and unittest's `unittest.loader._FailedTest` errors. Each with the first error
 * line of its traceback and, for a `ModuleNotFoundError`, the module that is missing.
 */
import type { RunnerId, RunOutput } from "./types.ts";

/** One test module that could not be imported. */
export interface ImportFailure {
  /** The test module (file for pytest, module name for unittest). */
  module: string;
  /** The error that stopped it, e.g. `ModuleNotFoundError: No module named 'freezegun'`. */
  error: string;
  /** The module named by a `ModuleNotFoundError`. */
  missingModule?: string;
}

const MISSING = /No module named '([\w.]+)'/;

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

function failure(module: string, error: string): ImportFailure {
  const missing = MISSING.exec(error)?.[1];
  return { module, error: error.slice(0, 300), ...(missing === undefined ? {} : { missingModule: missing }) };
}

/** pytest's `E   ` lines of one traceback, joined (the exception that stopped the import). */
function pytestError(body: string): string {
  const lines = body
    .split("\n")
    .filter((line) => line.startsWith("E "))
    .map((line) => line.slice(1).trim());
  return lines.length > 0 ? lines.slice(0, 3).join(" ") : (body.trim().split("\n")[0] ?? "");
}

function fromPytestReport(xml: string): ImportFailure[] {
  const found: ImportFailure[] = [];
  for (const match of xml.matchAll(
    /<testcase\b([^>]*)>\s*<error message="collection failure"[^>]*>([\s\S]*?)<\/error>/g,
  )) {
    const file = /\sfile="([^"]*)"/.exec(match[1])?.[1] ?? /\sname="([^"]*)"/.exec(match[1])?.[1] ?? "?";
    found.push(failure(unescapeXml(file), pytestError(unescapeXml(match[2]))));
  }
  return found;
}

function fromPytestOutput(text: string): ImportFailure[] {
  const blocks = text.split(/^_+ ERROR collecting (\S+) _+$/m);
  const found: ImportFailure[] = [];
  for (let index = 1; index + 1 < blocks.length; index += 2) {
    const body = blocks[index + 1].split(/^=+ short test summary info =+$/m)[0];
    found.push(failure(blocks[index], pytestError(body)));
  }
  return found;
}

/** `ImportError while loading conftest '<path>'.` (pytest stops before collecting anything). */
function fromConftest(text: string): ImportFailure[] {
  const match = /^ImportError while loading conftest '([^']+)'\.\n([\s\S]*)$/m.exec(text);
  return match === null ? [] : [failure(match[1], pytestError(match[2]))];
}

function fromUnittest(text: string): ImportFailure[] {
  const found: ImportFailure[] = [];
  const pattern =
    /^ERROR: (\S+) \(unittest\.loader\._FailedTest[^)]*\)\n-+\n([\s\S]*?)(?=\n={20,}|\n-{20,}\nRan |(?![\s\S]))/gm;
  for (const match of text.matchAll(pattern)) {
    const lines = match[2]
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    const error = lines.filter((line) => /^\w+(?:Error|Exception)\b/.test(line)).pop() ?? lines[0] ?? "";
    found.push(failure(match[1], error));
  }
  return found;
}

/** The test modules a run could not import (empty when every module was imported). */
export function importFailures(runner: RunnerId | undefined, output: RunOutput): ImportFailure[] {
  if (runner === "pytest") {
    const fromReport = output.report === undefined ? [] : fromPytestReport(output.report);
    if (fromReport.length > 0) return fromReport;
    const text = `${output.stdout}\n${output.stderr}`;
    return [...fromConftest(text), ...fromPytestOutput(text)];
  }
  if (runner === "unittest") return fromUnittest(`${output.stderr}\n${output.stdout}`);
  return [];
}
