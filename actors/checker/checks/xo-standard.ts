/**
 * Running the repository's own xo (`--reporter=json`: eslint's JSON report on stdout) or
 * standard (its text lines `  <file>:<line>:<col>: <message> (<rule>)`, `(warning)` after
 * warnings), with `--fix` for the auto-fix. Both skip dot folders such as patchbay's sandbox
 * dirs (xo is told so explicitly).
 */
import { relative } from "node:path";
import { SANDBOX_HOME_DIR, SANDBOX_TMP_DIR } from "../../../infra/sandbox/index.ts";
import type { CheckIssue } from "../../../protocol/quality-gate.ts";
import type { Tree } from "../context.ts";
import { eslintReportFindings, parseEslintReport } from "./eslint.ts";
import type { LinterPlan } from "./linters.ts";
import type { LintRun } from "./lint-findings.ts";

type ToolPlan = Extract<LinterPlan, { tool: "xo" | "standard" }>;

const REPORT_BYTES = 32 * 1024 * 1024;
const STANDARD_LINE = /^\s+(.+?):(\d+):(\d+): (.*?)(?: \(([\w@/-]+)\))?( \(warning\))?$/;

/** Runs xo with its JSON reporter. */
export async function runXo(tree: Tree, plan: ToolPlan, fix: boolean): Promise<LintRun> {
  const ignores = [SANDBOX_HOME_DIR, SANDBOX_TMP_DIR].map((dir) => `--ignore=${dir}/**`);
  const args = ["--reporter=json", ...ignores, ...(fix ? ["--fix"] : [])];
  const result = await tree.exec.run(plan.cmd, args, { maxOutputBytes: REPORT_BYTES });
  const files = parseEslintReport(result.stdoutTail.trim());
  if (files === undefined || result.timedOut) return { result, issues: [] };
  return { result, ...eslintReportFindings(tree.dir, files) };
}

/** Runs standard and reads its text output (exit 0 or 1 with problem lines; anything else did not run). */
export async function runStandard(tree: Tree, plan: ToolPlan, fix: boolean): Promise<LintRun> {
  const result = await tree.exec.run(plan.cmd, fix ? ["--fix"] : [], { maxOutputBytes: REPORT_BYTES });
  if (result.timedOut || (result.exitCode !== 0 && result.exitCode !== 1)) return { result, issues: [] };
  const issues = parseStandard(tree.dir, result.stdoutTail);
  if (result.exitCode === 1 && issues.length === 0) return { result, issues: [] };
  const warnings = issues.filter((issue) => issue.severity === "low").length;
  return { result, counts: { errors: issues.length - warnings, warnings, fixable: 0 }, issues };
}

/** The problems standard printed. */
function parseStandard(dir: string, stdout: string): CheckIssue[] {
  const issues: CheckIssue[] = [];
  for (const line of stdout.split("\n")) {
    const match = STANDARD_LINE.exec(line);
    if (match === null) continue;
    const [, file, lineNo, , message, rule, warning] = match;
    issues.push({
      severity: warning === undefined ? "medium" : "low",
      message: rule === undefined ? message : `${rule}: ${message}`,
      file: file.startsWith("/") ? relative(dir, file) : file,
      line: Number(lineNo),
      rule,
    });
  }
  return issues;
}
