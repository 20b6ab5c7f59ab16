/** plan-patch-pr's texts: what a coder is asked for an issue or a failed gate, and the PR's description. */
import type { PlanIssue } from "../../../protocol/plan-patch-pr.ts";
import type { QualityGateResult } from "../../../protocol/quality-gate.ts";
import type { PlanPatchState } from "./plan-patch-state.ts";

const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

/** The instructions of the coder of `issue`. */
export function issueInstructions(s: PlanPatchState, issue: PlanIssue): string {
  const design = s.design?.design;
  return [
    `Issue ${issue.id}: ${issue.title}`,
    issue.description,
    issue.files_to_modify.length > 0 ? `Files: ${issue.files_to_modify.join(", ")}` : "",
    `Part of: ${s.input.requirement}`,
    design ? `Design: ${design.architecture}\nTest strategy: ${design.test_strategy}` : "",
    "Change only what this issue needs, with tests; the repository's tests must pass.",
  ]
    .filter(Boolean)
    .join("\n\n");
}

/** The instructions of the one coder round after a gate that does not pass. */
export function gateFixInstructions(s: PlanPatchState, gate: QualityGateResult): string {
  const failing = gate.checks.filter((c) => c.status === "failed");
  const lines = failing.map((c) => {
    const issues = c.issues.slice(0, 10).map((i) => `  - ${i.severity}: ${i.message}`);
    return [`${c.name}: ${c.summary}`, ...issues].join("\n");
  });
  return [
    `The quality gate did not pass on the feature branch for: ${s.input.requirement}`,
    `Blocking: ${gate.blocking_issues.join("; ") || "the score is below the threshold"}`,
    "Failing checks:",
    ...lines,
    "Fix what they report, without changing unrelated code.",
  ].join("\n\n");
}

function checksTable(gate: QualityGateResult | undefined): string[] {
  if (!gate) return ["The quality gate did not run."];
  return [
    `Quality gate: score ${gate.overall_score}, can merge: ${gate.can_merge ? "yes" : "no"}.`,
    "",
    "| check | status | summary |",
    "|-------|--------|---------|",
    ...gate.checks.map((c) => `| ${c.name} | ${c.status} | ${cell(c.summary)} |`),
  ];
}

/** The PR's description: the design's summary, the issues with their commits, the checks. */
export function prBody(s: PlanPatchState): string {
  const design = s.design?.design;
  const issues = (s.issues ?? []).map((i) => {
    const sha = s.patches[i.id]?.commit_sha.slice(0, 10) ?? "not patched";
    return `| ${i.id} | ${cell(i.title)} | ${i.component} | \`${sha}\` |`;
  });
  return [
    `${s.input.requirement}`,
    "",
    `## Design: ${design?.title ?? ""}`,
    design?.architecture ?? "",
    "",
    `Components: ${design?.components.map((c) => c.name).join(", ") ?? ""}. Tests: ${design?.test_strategy ?? ""}`,
    "",
    "## Issues",
    "| issue | title | component | commit |",
    "|-------|-------|-----------|--------|",
    ...issues,
    "",
    "## Checks",
    ...checksTable(s.gate),
  ].join("\n");
}
