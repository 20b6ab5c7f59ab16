/**
 * The quality-gate workflow's contracts: its input, the tasks it sends to the merger, checker
 * and coder roles, and its result (the seed's QualityGateResult, snake_case).
 */
import { z } from "zod";
import { defineTask } from "./contract.ts";

/** The eight checks, in the order they are reported. */
export const CHECK_IDS = [
  "unit_tests",
  "integration_tests",
  "lint",
  "security",
  "coverage",
  "performance",
  "dependencies",
  "static_analysis",
] as const;
/** One check id. */
export type CheckId = (typeof CHECK_IDS)[number];

/**
 * Installing a repository's dependencies has this budget of its own, on top of a check's (or
 * an auto-fix's) timeout: the task's start-to-close is the two together.
 */
export const INSTALL_BUDGET_MS = 120_000;

/** Display names; blocking issues read `[<name>] <text>`. */
export const CHECK_NAMES: Record<CheckId, string> = {
  unit_tests: "Unit Tests",
  integration_tests: "Integration Tests",
  lint: "Linting",
  security: "Security Scan",
  coverage: "Code Coverage",
  performance: "Performance",
  dependencies: "Dependencies",
  static_analysis: "Static Analysis",
};

/** Input of `workflow.start.quality-gate`. Exactly one of `branch` and `pr_number`. */
export const QualityGateInput = z
  .object({
    /** Absolute path or URL of a git repository (a path is its own remote). */
    repo: z.string().min(1),
    /** Branch to check. */
    branch: z.string().min(1).optional(),
    /** Pull request of the forge to check (its head branch). */
    pr_number: z.number().int().positive().optional(),
    /** Base branch for comparisons (performance); the PR's base or `main`. */
    base: z.string().min(1).optional(),
    attempt_auto_fix: z.boolean().default(true),
    required_coverage: z.number().min(0).max(100).default(80),
    required_score: z.number().min(0).max(100).default(85),
    /** Subset of checks to run; all eight by default. */
    checks: z.array(z.enum(CHECK_IDS)).min(1).optional(),
    /** Deadline of each check task (the check's own commands are cut before it). */
    check_timeout_ms: z.number().int().min(1_000).max(3_600_000).default(600_000),
  })
  .refine((v) => (v.branch === undefined) !== (v.pr_number === undefined), {
    message: "give exactly one of branch and pr_number",
    path: ["branch"],
  });
/** Input of the quality-gate workflow. */
export type QualityGateInput = z.infer<typeof QualityGateInput>;

/** Severity of one finding. */
export const Severity = z.enum(["critical", "high", "medium", "low", "info"]);
/** Severity of one finding. */
export type Severity = z.infer<typeof Severity>;

/** One finding of a check. */
export const CheckIssue = z.object({
  severity: Severity,
  /** Human text, e.g. `SQL injection vulnerability`, `5 test failures`. */
  message: z.string(),
  /** How it was found, e.g. a value's flow: `req.query.id reaches db.query()`. */
  detail: z.string().optional(),
  file: z.string().optional(),
  line: z.number().int().optional(),
  /** Rule or test id, when there is one. */
  rule: z.string().optional(),
  /** Whether an auto-fix (eslint --fix, the formatter) can fix it. */
  fixable: z.boolean().optional(),
});
/** One finding of a check. */
export type CheckIssue = z.infer<typeof CheckIssue>;

/**
 * How a check ended. `not_applicable`: the repository has nothing for it (no integration
 * tests, no benchmark). `unavailable`: it could not run (a tool missing, the network refused,
 * dependencies not installable, a language not supported, the task crashed); a required check
 * that is unavailable blocks can_merge. Neither is ever a pass.
 */
export const CheckStatus = z.enum(["passed", "failed", "not_applicable", "unavailable"]);
/** How a check ended. */
export type CheckStatus = z.infer<typeof CheckStatus>;

/**
 * A checker from before `status` existed reported only `passed` and `skipped`; its skipped
 * checks were never required, as `not_applicable` ones are now.
 */
function withStatus(value: unknown): unknown {
  if (value === null || typeof value !== "object" || "status" in value) return value;
  const old = value as { passed?: unknown; skipped?: unknown };
  return { ...value, status: old.skipped === true ? "not_applicable" : old.passed === true ? "passed" : "failed" };
}

/** The fields of a check's outcome. */
const CheckOutcomeFields = z.object({
  id: z.enum(CHECK_IDS),
  name: z.string(),
  status: CheckStatus,
  /** `status === "passed"`. */
  passed: z.boolean(),
  /** Not applicable or unavailable: never passes, and is left out of the overall score. */
  skipped: z.boolean(),
  /** Why it did not apply or could not run. */
  skip_reason: z.string().optional(),
  /** 0..100 (0 when skipped; skipped checks are left out of the weights). */
  score: z.number().min(0).max(100),
  issues: z.array(CheckIssue),
  /** One line, e.g. `45/50 passed`, `coverage 72.4%`. */
  summary: z.string(),
  /** Figures the scoring reads: passed, failed, total, coverage, regression_pct, … */
  metrics: z.record(z.string(), z.number()),
  duration_ms: z.number(),
  /** Epoch ms when the check started and ended on the checker (shows overlap across processes). */
  started_at: z.number(),
  finished_at: z.number(),
  /** The checker process that ran it (`<host>:<pid>`). */
  runner: z.string(),
  /** The Node (and package manager) the repository's commands ran on: `node 20.20.2 (.nvmrc 20)`. */
  runtime: z.string().optional(),
});
/** What a checker returns for one check (the decider adds `required`); older checkers' outcomes get a status. */
export const CheckOutcome = z.preprocess(withStatus, CheckOutcomeFields);
/** What a checker returns for one check. */
export type CheckOutcome = z.infer<typeof CheckOutcome>;

/** One check in the result: the outcome and whether it is required for can_merge. */
export const CheckResult = CheckOutcomeFields.extend({ required: z.boolean() });
/** One check in the result. */
export type CheckResult = z.infer<typeof CheckResult>;

/** Input of the merger's `gate.resolve` task. */
export const ResolveInput = z.object({
  repo: z.string(),
  branch: z.string().optional(),
  pr_number: z.number().int().optional(),
  base: z.string().optional(),
});
/** Per-repository gate settings (`"patchbay": {"gate": {...}}` in package.json, or patchbay.json). */
export const GateConfig = z.object({
  /** Weight of each check in the overall score (missing ids keep the default weight). */
  weights: z.partialRecord(z.enum(CHECK_IDS), z.number().min(0)).optional(),
  /** Checks that must pass for can_merge (default: unit and integration tests, security, coverage). */
  required: z.array(z.enum(CHECK_IDS)).optional(),
});
/** Per-repository gate settings. */
export type GateConfig = z.infer<typeof GateConfig>;

/** Output of `gate.resolve`: what exactly is checked. */
export const ResolvedTarget = z.object({
  repo: z.string(),
  branch: z.string(),
  head_sha: z.string(),
  base: z.string(),
  base_sha: z.string().optional(),
  pr_number: z.number().int().optional(),
  pr_url: z.string().optional(),
  config: GateConfig.optional(),
});
/** What exactly is checked. */
export type ResolvedTarget = z.infer<typeof ResolvedTarget>;

/** Input of the checker's `check.run` task. */
export const CheckTaskInput = z.object({
  check: z.enum(CHECK_IDS),
  target: ResolvedTarget,
  required_coverage: z.number(),
  /** The checker cuts the check's commands before this (the task deadline is a bit later). */
  timeout_ms: z.number().int().positive(),
});
/** Input of the checker's `check.run` task. */
export type CheckTaskInput = z.infer<typeof CheckTaskInput>;

/** Input of the coder's `gate.autofix` task. */
export const AutofixInput = z.object({ target: ResolvedTarget, timeout_ms: z.number().int().positive() });
/** Input of the coder's `gate.autofix` task. */
export type AutofixInput = z.infer<typeof AutofixInput>;
/** Output of `gate.autofix`: one commit on the branch when anything changed. */
export const AutofixOutput = z.object({
  applied: z.boolean(),
  commit_sha: z.string().optional(),
  /** Findings fixed (eslint's count before minus after). */
  fixed: z.number().int(),
  files: z.array(z.string()),
  tools: z.array(z.string()),
  /** Why nothing was applied, when an auto-fix was attempted and did not land. */
  not_applied: z.string().optional(),
});
/** Output of `gate.autofix`. */
export type AutofixOutput = z.infer<typeof AutofixOutput>;

/** The seed's QualityGateResult, plus the branch, head, auto-fix details and PR link. */
export const QualityGateResult = z.object({
  pr_number: z.number().int().nullable(),
  branch: z.string(),
  head_sha: z.string(),
  all_checks_passed: z.boolean(),
  required_checks_passed: z.boolean(),
  can_merge: z.boolean(),
  checks: z.array(CheckResult),
  overall_score: z.number(),
  auto_fixes_applied: z.boolean(),
  /** What the auto-fix did (findings fixed, its commit), when it ran. */
  auto_fix: AutofixOutput.nullable(),
  blocking_issues: z.array(z.string()),
  /** Required checks left out of the run by the input's `checks` subset (then never can_merge). */
  required_not_run: z.array(z.enum(CHECK_IDS)),
  pr_url: z.string().nullable(),
});
/** The seed's QualityGateResult. */
export type QualityGateResult = z.infer<typeof QualityGateResult>;

/** Input of the merger's `gate.report` task: PR status and one comment, updated on re-runs. */
export const ReportInput = z.object({
  target: ResolvedTarget,
  workflow_id: z.string(),
  result: QualityGateResult,
});
/** Input of `gate.report`. */
export type ReportInput = z.infer<typeof ReportInput>;
/** Output of `gate.report`: whether the PR got a status and a comment. */
export const ReportOutput = z.object({
  reported: z.boolean(),
  status: z.enum(["success", "failure"]).optional(),
  comment_id: z.number().int().optional(),
});

/** The tasks of the quality gate, one contract per kind. */
export const GateTasks = {
  /** The merger resolves the branch or PR into shas and the repository's gate config. */
  resolve: defineTask({ role: "merger", kind: "gate.resolve", input: ResolveInput, output: ResolvedTarget }),
  /** A checker runs one check on the head. */
  check: defineTask({ role: "checker", kind: "check.run", input: CheckTaskInput, output: CheckOutcome }),
  /** The coder applies the auto-fixes and commits them. */
  autofix: defineTask({ role: "coder", kind: "gate.autofix", input: AutofixInput, output: AutofixOutput }),
  /** The merger sets the PR's status and comment. */
  report: defineTask({ role: "merger", kind: "gate.report", input: ReportInput, output: ReportOutput }),
} as const;
/** Any task of the quality gate. */
export type GateTask = (typeof GateTasks)[keyof typeof GateTasks];
