/**
 * Security: the analysis pool's pattern rules (SQL built from strings, shell commands built
 * from input, eval, hard-coded secrets, disabled TLS checks) on the non-test sources, with
 * severity, file and line; plus `npm audit` for Node repositories, skipped with the reason
 * when the registry refuses or cannot be reached. Passes without critical or high findings.
 */
import type { RuleMatch } from "../../../infra/analysis/index.ts";
import type { CheckIssue } from "../../../protocol/quality-gate.ts";
import type { CheckContext } from "../context.ts";
import { capIssues, clampScore, severityCounts } from "../findings.ts";
import type { CheckFindings } from "../ports.ts";
import { npmAudit } from "./npm.ts";
import { sourceFiles } from "./sources.ts";

/** The issue text of each rule (what blocking issues quote). */
export const RULE_MESSAGES: Record<string, string> = {
  "sql-injection": "SQL injection vulnerability",
  "command-injection": "Command injection",
  "code-eval": "Use of eval",
  "hardcoded-secret": "Hard-coded secret",
  "aws-access-key": "Hard-coded secret",
  "tls-verification-disabled": "TLS verification disabled",
};

function matchIssue(match: RuleMatch): CheckIssue {
  return {
    severity: match.severity,
    message: RULE_MESSAGES[match.rule] ?? match.message,
    file: match.file,
    line: match.line,
    rule: match.rule,
  };
}

/** Scans the head for risky patterns and, on Node, audits dependencies. */
export async function security(ctx: CheckContext): Promise<CheckFindings> {
  const files = sourceFiles(await ctx.files(), { withTests: false });
  const analyses = files.length === 0 ? [] : await ctx.ports.analysis.analyzeFiles(ctx.head.dir, files);
  const issues = analyses.flatMap((file) => file.matches.map(matchIssue));
  const metrics: Record<string, number> = { files_scanned: files.length, pattern_findings: issues.length };
  const notes: string[] = [];
  if (ctx.head.project.kind === "node") {
    const audit = await npmAudit(ctx.head);
    if (audit.ok) {
      issues.push(...audit.issues);
      metrics.audit_vulnerabilities = audit.counts.total;
    } else {
      notes.push(`audit: skipped: ${audit.reason}`);
      metrics.audit_skipped = 1;
      issues.push({
        severity: "info",
        message: `npm audit skipped: ${audit.reason}${audit.detail ? ` (${audit.detail})` : ""}`,
        rule: "npm-audit",
      });
    }
  }
  const counts = severityCounts(issues);
  const score = clampScore(100 - 25 * counts.critical - 15 * counts.high - 5 * counts.medium - counts.low);
  const found = `${counts.critical} critical, ${counts.high} high, ${counts.medium} medium, ${counts.low} low`;
  return {
    passed: counts.critical === 0 && counts.high === 0,
    skipped: false,
    score,
    issues: capIssues(issues),
    summary: [`${found} in ${files.length} file${files.length === 1 ? "" : "s"}`, ...notes].join("; "),
    metrics: { ...metrics, ...counts },
  };
}
