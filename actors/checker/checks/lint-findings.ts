/**
 * Lint runs and their findings from counts, shared by every linter (JavaScript and Python).
 */
import type { CheckIssue } from "../../../protocol/quality-gate.ts";
import type { CommandResult } from "../exec.ts";
import { capIssues, clampScore } from "../findings.ts";
import type { CheckFindings } from "../ports.ts";

/** Lint counts and their issues. */
export interface LintCounts {
  errors: number;
  warnings: number;
  fixable: number;
}

/** One linter run: the command, and its counts and issues (no counts: it wrote no report). */
export interface LintRun {
  result: CommandResult;
  counts?: LintCounts;
  issues: CheckIssue[];
}

/** Findings from lint counts: passes without errors; score 100 − 5 per error − 1 per warning. */
export function lintFindings(counts: LintCounts, issues: CheckIssue[], tool: string): CheckFindings {
  const summary = `${counts.errors} error${counts.errors === 1 ? "" : "s"}, ${counts.warnings} warning${counts.warnings === 1 ? "" : "s"} (${counts.fixable} fixable) — ${tool}`;
  return {
    passed: counts.errors === 0,
    skipped: false,
    score: clampScore(100 - 5 * counts.errors - counts.warnings),
    issues: capIssues(issues),
    summary,
    metrics: { errors: counts.errors, warnings: counts.warnings, fixable: counts.fixable },
  };
}
