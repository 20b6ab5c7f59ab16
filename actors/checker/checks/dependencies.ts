/**
 * Dependencies (Node): outdated majors (`npm outdated --json`) and known vulnerabilities
 * (`npm audit --json`). Each part that cannot answer is skipped with its reason; when both
 * are, the check is. Passes without critical or high vulnerabilities; every outdated major
 * costs 10 points, every vulnerability 25 (critical), 15 (high), 5 (moderate) or 1 (low).
 */
import type { CheckIssue } from "../../../protocol/quality-gate.ts";
import type { CheckContext } from "../context.ts";
import { capIssues, clampScore, unavailable } from "../findings.ts";
import type { CheckFindings } from "../ports.ts";
import { notNpm, npmAudit, npmOutdated } from "./npm.ts";

/** Checks the Node dependencies. */
export async function dependencies(ctx: CheckContext): Promise<CheckFindings> {
  const { project } = ctx.head;
  if (project.kind !== "node")
    return unavailable(
      project.kind === "python"
        ? "no dependency tool for Python repositories (only npm is supported)"
        : "not a Node repository",
    );
  if (project.dependencies.length === 0) {
    return {
      passed: true,
      skipped: false,
      score: 100,
      issues: [],
      summary: "no dependencies declared",
      metrics: { dependencies: 0, outdated_major: 0, vulnerabilities: 0 },
    };
  }
  const other = notNpm(ctx.head);
  if (other !== undefined) return unavailable(`npm outdated and npm audit cannot answer: ${other}`);
  const outdated = await npmOutdated(ctx.head);
  const audit = await npmAudit(ctx.head);
  if (!outdated.ok && !audit.ok) return unavailable(`outdated: ${outdated.reason}; audit: ${audit.reason}`);
  const issues: CheckIssue[] = [];
  const metrics: Record<string, number> = { dependencies: project.dependencies.length };
  const parts: string[] = [];
  let penalty = 0;
  if (outdated.ok) {
    issues.push(...outdated.issues);
    Object.assign(metrics, { outdated_major: outdated.outdatedMajor, outdated: outdated.outdated });
    parts.push(`${outdated.outdatedMajor} outdated major${outdated.outdatedMajor === 1 ? "" : "s"}`);
    penalty += 10 * outdated.outdatedMajor;
  } else parts.push(`outdated: skipped: ${outdated.reason}`);
  if (audit.ok) {
    issues.push(...audit.issues);
    const { critical, high, moderate, low } = audit.counts;
    Object.assign(metrics, { vulnerabilities: audit.counts.total, critical, high, medium: moderate, low });
    parts.push(`${audit.counts.total} known vulnerabilit${audit.counts.total === 1 ? "y" : "ies"}`);
    penalty += 25 * critical + 15 * high + 5 * moderate + low;
  } else {
    parts.push(`audit: skipped: ${audit.reason}`);
    metrics.audit_skipped = 1;
    issues.push({
      severity: "info",
      message: `npm audit skipped: ${audit.reason}${audit.detail ? ` (${audit.detail})` : ""}`,
      rule: "npm-audit",
    });
  }
  const blocking = audit.ok ? audit.counts.critical + audit.counts.high : 0;
  return {
    passed: blocking === 0,
    skipped: false,
    score: clampScore(100 - penalty),
    issues: capIssues(issues),
    summary: parts.join("; "),
    metrics,
  };
}
