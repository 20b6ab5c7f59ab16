/**
 * Quality-gate scoring, pure: weights, required checks, the overall score, blocking issues
 * in the seed's form (`[Unit Tests] 5 test failures`), and can_merge.
 */
import {
  CHECK_IDS,
  CHECK_NAMES,
  type AutofixOutput,
  type CheckId,
  type CheckOutcome,
  type CheckResult,
  type GateConfig,
  type QualityGateResult,
  type ResolvedTarget,
} from "../../../protocol/quality-gate.ts";

/** Default weights of the overall score (a check that did not apply or could not run is left out). */
export const DEFAULT_WEIGHTS: Record<CheckId, number> = {
  unit_tests: 25,
  integration_tests: 15,
  coverage: 15,
  security: 15,
  lint: 10,
  static_analysis: 10,
  performance: 5,
  dependencies: 5,
};

/** Checks that must pass for can_merge unless the repository says otherwise. */
export const DEFAULT_REQUIRED: readonly CheckId[] = ["unit_tests", "integration_tests", "security", "coverage"];

/** What the scoring needs besides the outcomes. */
export interface ScoringInput {
  target: ResolvedTarget;
  outcomes: CheckOutcome[];
  required_score: number;
  required_coverage: number;
  /** The auto-fix's output, when it ran. */
  autofix?: AutofixOutput;
}

/**
 * Builds the QualityGateResult. A required check counts unless it does not apply: one that
 * could not run blocks with its reason, and one left out by a `checks` subset is listed in
 * `required_not_run`, so a partial run is never can_merge. Skipped checks (not applicable or
 * unavailable) are left out of the overall score.
 */
export function scoreGate(input: ScoringInput): QualityGateResult {
  const config: GateConfig = input.target.config ?? {};
  const required = new Set(config.required ?? DEFAULT_REQUIRED);
  const checks: CheckResult[] = sortChecks(input.outcomes).map((o) => ({
    ...o,
    required: required.has(o.id) && o.status !== "not_applicable",
  }));
  const ran = new Set(checks.map((c) => c.id));
  const notRun = CHECK_IDS.filter((id) => required.has(id) && !ran.has(id));
  const counted = checks.filter((c) => !c.skipped);
  const overall = weightedScore(counted, { ...DEFAULT_WEIGHTS, ...(config.weights ?? {}) });
  const requiredPassed = notRun.length === 0 && checks.filter((c) => c.required).every((c) => c.passed);
  return {
    pr_number: input.target.pr_number ?? null,
    branch: input.target.branch,
    head_sha: input.target.head_sha,
    all_checks_passed: checks.every((c) => c.passed || c.status === "not_applicable"),
    required_checks_passed: requiredPassed,
    can_merge: requiredPassed && overall >= input.required_score,
    checks,
    overall_score: overall,
    auto_fixes_applied: input.autofix?.applied ?? false,
    auto_fix: input.autofix ?? null,
    blocking_issues: [
      ...checks.filter((c) => c.required && !c.passed).flatMap((c) => blockingLines(c, input.required_coverage)),
      ...notRun.map((id) => `[${CHECK_NAMES[id]}] required check not run (left out of the requested checks)`),
    ],
    required_not_run: notRun,
    pr_url: input.target.pr_url ?? null,
  };
}

function sortChecks(outcomes: CheckOutcome[]): CheckOutcome[] {
  return [...outcomes].sort((a, b) => CHECK_IDS.indexOf(a.id) - CHECK_IDS.indexOf(b.id));
}

function weightedScore(checks: CheckResult[], weights: Record<CheckId, number>): number {
  const total = checks.reduce((sum, c) => sum + weights[c.id], 0);
  if (total === 0) return 0;
  const score = checks.reduce((sum, c) => sum + weights[c.id] * c.score, 0) / total;
  return Math.round(score * 10) / 10;
}

/** `72` → "72", `72.44` → "72.4". */
function pct(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The blocking-issue lines of one failed required check. */
export function blockingLines(check: CheckResult, requiredCoverage: number): string[] {
  const tag = `[${CHECK_NAMES[check.id]}]`;
  if (check.status === "unavailable") return [`${tag} could not run: ${check.skip_reason ?? check.summary}`];
  const m = check.metrics;
  switch (check.id) {
    case "unit_tests":
    case "integration_tests": {
      const failed = m.failed ?? 0;
      if ((m.total ?? 0) > 0 && failed > 0) return [`${tag} ${failed} test failure${failed === 1 ? "" : "s"}`];
      return [`${tag} ${check.summary}`];
    }
    case "coverage":
      if (m.coverage === undefined) return [`${tag} ${check.summary}`];
      return [`${tag} Coverage ${pct(m.coverage)}% < required ${pct(m.required ?? requiredCoverage)}%`];
    case "security": {
      const serious = check.issues.filter((i) => i.severity === "critical" || i.severity === "high");
      const lines = [...new Set(serious.map((i) => `${tag} ${capitalize(i.severity)}: ${i.message}`))];
      return lines.length > 0 ? lines : [`${tag} ${check.summary}`];
    }
    default:
      return [`${tag} ${check.summary}`];
  }
}

/** The outcome of a check whose task itself failed (crash, deadline): unavailable, with the error. */
export function unrunnableOutcome(id: CheckId, error: { code: string; message: string }, at: number): CheckOutcome {
  return {
    id,
    name: CHECK_NAMES[id],
    status: "unavailable",
    passed: false,
    skipped: true,
    skip_reason: `${error.code} ${error.message}`,
    score: 0,
    issues: [{ severity: "high", message: `check could not run: ${error.code} ${error.message}` }],
    summary: `could not run (${error.code})`,
    metrics: {},
    duration_ms: 0,
    started_at: at,
    finished_at: at,
    runner: "",
  };
}
