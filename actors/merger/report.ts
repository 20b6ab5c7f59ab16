/** The quality-gate's PR comment and status text, pure. */
import type { QualityGateResult } from "../../protocol/quality-gate.ts";

/** The key of the gate's comment: re-runs update it instead of adding another. */
export const GATE_COMMENT_KEY = "patchbay/quality-gate";
/** The status context the gate sets. */
export const GATE_STATUS_CONTEXT = "patchbay/quality-gate";

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function checkRow(c: QualityGateResult["checks"][number]): string {
  const verdict = c.status.replace("_", " ");
  const detail = c.skipped ? (c.skip_reason ?? c.summary) : c.summary;
  return `| ${c.name} | ${verdict}${c.required ? " (required)" : ""} | ${c.skipped ? "–" : c.score.toFixed(1)} | ${detail.replace(/\|/g, "\\|")} | ${seconds(c.duration_ms)} |`;
}

/** The markdown comment: verdict, score, a table of checks, blocking issues. */
export function gateComment(result: QualityGateResult, workflowId: string): string {
  const verdict = result.can_merge ? "✅ can merge" : "❌ cannot merge";
  const lines = [
    `## patchbay quality gate: ${verdict}`,
    "",
    `Overall score **${result.overall_score.toFixed(1)}** · head \`${result.head_sha.slice(0, 12)}\` · auto-fixes ${result.auto_fixes_applied ? "applied" : "not applied"} · workflow \`${workflowId}\``,
    "",
    "| Check | Result | Score | Summary | Duration |",
    "|---|---|---|---|---|",
    ...result.checks.map(checkRow),
  ];
  if (result.blocking_issues.length > 0)
    lines.push("", "### Blocking issues", "", ...result.blocking_issues.map((b) => `- ${b}`));
  return lines.join("\n");
}

/** The one-line status description. */
export function gateStatus(result: QualityGateResult): { state: "success" | "failure"; description: string } {
  const blocking = result.blocking_issues.length;
  return {
    state: result.can_merge ? "success" : "failure",
    description: `score ${result.overall_score.toFixed(1)}, ${blocking} blocking issue${blocking === 1 ? "" : "s"}`,
  };
}
