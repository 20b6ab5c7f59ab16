/**
 * A repository's `lint` npm script, when it configures no linter patchbay knows: its exit
 * code decides. Problems are read from the output when it is eslint's stylish format (file
 * lines, then `  12:5  error  message  rule`) and counted from a summary line
 * (`✖ 3 problems (2 errors, 1 warning)`, biome's `Found 2 errors.`); a failing script with
 * nothing countable is one error. A script whose command is not found (exit 127) did not run. The auto-fix runs the repository's own `lint:fix` script.
 */
import { relative } from "node:path";
import type { CheckIssue } from "../../../protocol/quality-gate.ts";
import type { Tree } from "../context.ts";
import { lastLines } from "../exec.ts";
import type { LintCounts, LintRun } from "./lint-findings.ts";

/** The shell's exit code for a command it cannot find: the script's tool is missing, it did not lint. */
export const COMMAND_NOT_FOUND = 127;
const STYLISH_PROBLEM = /^\s+(\d+):\d+\s+(error|warning)\s+(.*?)(?:\s{2,}(\S+))?$/;
const ESLINT_SUMMARY = /(\d+) problems? \((\d+) errors?, (\d+) warnings?\)/;
const FOUND = /Found (\d+) (error|warning)s?\./g;

/** Runs `npm run lint:fix` first when fixing, then `npm run lint`. */
export async function runLintScript(tree: Tree, fix: boolean): Promise<LintRun> {
  if (fix) await tree.exec.run("npm", ["run", "--silent", "lint:fix"]);
  const result = await tree.exec.run("npm", ["run", "--silent", "lint"]);
  if (result.timedOut || result.exitCode === COMMAND_NOT_FOUND) return { result, issues: [] };
  const output = `${result.stdoutTail}\n${result.stderrTail}`;
  const issues = parseStylish(tree.dir, output);
  const counts = parseSummary(output) ?? countIssues(issues);
  if (result.exitCode === 0)
    return { result, issues, counts: { ...counts, errors: 0, warnings: counts.errors + counts.warnings } };
  const exit: CheckIssue = {
    severity: "medium",
    message: `npm run lint failed (exit ${result.exitCode ?? result.signal}): ${lastLines(result)}`,
    rule: "lint-script",
  };
  return { result, issues: [...issues, exit], counts: { ...counts, errors: Math.max(1, counts.errors) } };
}

/** Problems of eslint's stylish output (the default of eslint, and of scripts built on it). */
function parseStylish(dir: string, output: string): CheckIssue[] {
  const issues: CheckIssue[] = [];
  let file: string | undefined;
  for (const line of output.split("\n")) {
    if (line.startsWith("/")) file = relative(dir, line.trim());
    const match = file === undefined ? null : STYLISH_PROBLEM.exec(line);
    if (match === null) continue;
    const [, lineNo, level, message, rule] = match;
    issues.push({
      severity: level === "error" ? "medium" : "low",
      message: rule === undefined ? message : `${rule}: ${message}`,
      file,
      line: Number(lineNo),
      rule,
    });
  }
  return issues;
}

/** Errors and warnings of a summary line, if the output has one. */
function parseSummary(output: string): LintCounts | undefined {
  const eslint = ESLINT_SUMMARY.exec(output);
  if (eslint !== null) return { errors: Number(eslint[2]), warnings: Number(eslint[3]), fixable: 0 };
  const found = [...output.matchAll(FOUND)];
  if (found.length === 0) return undefined;
  const sum = (kind: string) => found.filter((m) => m[2] === kind).reduce((total, m) => total + Number(m[1]), 0);
  return { errors: sum("error"), warnings: sum("warning"), fixable: 0 };
}

function countIssues(issues: CheckIssue[]): LintCounts {
  const errors = issues.filter((issue) => issue.severity === "medium").length;
  return { errors, warnings: issues.length - errors, fixable: 0 };
}
