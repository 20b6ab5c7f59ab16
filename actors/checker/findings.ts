/**
 * Building blocks of a check's findings: not applicable, unavailable, failed with one issue,
 * and the shared conventions (severity counts, capped issue lists).
 */
import type { CheckIssue, Severity } from "../../protocol/quality-gate.ts";
import type { CheckFindings } from "./ports.ts";

/** Most issues one check reports (the rest are counted in metrics). */
export const MAX_ISSUES = 100;

/** The repository has nothing for this check (no integration tests, no benchmark). */
export function notApplicable(reason: string, metrics: Record<string, number> = {}): CheckFindings {
  return skippedAs("not_applicable", `not applicable: ${reason}`, reason, metrics);
}

/** The check could not run (tool missing, network refused, language not supported): never a pass. */
export function unavailable(reason: string, metrics: Record<string, number> = {}): CheckFindings {
  return skippedAs("unavailable", `could not run: ${reason}`, reason, metrics);
}

function skippedAs(
  kind: "not_applicable" | "unavailable",
  summary: string,
  reason: string,
  metrics: Record<string, number>,
): CheckFindings {
  return { passed: false, skipped: true, skip_kind: kind, skip_reason: reason, score: 0, issues: [], summary, metrics };
}

/** A check that failed for one reason. */
export function failed(
  issue: CheckIssue,
  metrics: Record<string, number> = {},
  summary = issue.message,
): CheckFindings {
  return { passed: false, skipped: false, score: 0, issues: [issue], summary, metrics };
}

/** Keeps at most {@link MAX_ISSUES}, most severe first. */
export function capIssues(issues: CheckIssue[]): CheckIssue[] {
  const order: Severity[] = ["critical", "high", "medium", "low", "info"];
  return [...issues].sort((a, b) => order.indexOf(a.severity) - order.indexOf(b.severity)).slice(0, MAX_ISSUES);
}

/** Counts of issues per severity, as metrics (`critical`, `high`, `medium`, `low`). */
export function severityCounts(issues: readonly CheckIssue[]): Record<"critical" | "high" | "medium" | "low", number> {
  const counts = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const issue of issues) if (issue.severity !== "info") counts[issue.severity] += 1;
  return counts;
}

/** Clamps a score to 0..100, rounded. */
export function clampScore(value: number): number {
  return Math.max(0, Math.min(100, Math.round(value)));
}

/** Rounds to one decimal. */
export function oneDecimal(value: number): number {
  return Math.round(value * 10) / 10;
}
