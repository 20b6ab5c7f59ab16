/**
 * Lint: eslint on Node repositories (see eslint.ts), ruff or pyflakes on Python ones.
 * Passes with no errors; warnings lower the score. Metrics: errors, warnings, fixable.
 */
import type { CheckIssue } from "../../../protocol/quality-gate.ts";
import type { CheckContext } from "../context.ts";
import { lastLines, timeoutIssue } from "../exec.ts";
import { failed, unavailable } from "../findings.ts";
import type { CheckFindings } from "../ports.ts";
import { eslintPlan, runEslint } from "./eslint.ts";
import { lintFindings } from "./lint-findings.ts";
import { pythonLint } from "./lint-python.ts";

/** Runs the repository's linter. */
export async function lint(ctx: CheckContext): Promise<CheckFindings> {
  const { project } = ctx.head;
  if (project.kind === "python") return pythonLint(ctx);
  if (project.kind !== "node") return unavailable("not a Node or Python repository (no package.json, no Python files)");
  const plan = await eslintPlan(ctx.head);
  if ("missing" in plan) return unavailable(`eslint not available: ${plan.missing}`);
  const run = await runEslint(ctx.head, plan, false);
  if (run.result.timedOut) return failed(timeoutIssue(run.result, "eslint"));
  if (run.counts === undefined) {
    const why = `eslint (${plan.source}) could not run (exit ${run.result.exitCode ?? run.result.signal}): ${lastLines(run.result)}`;
    return plan.usesDefault ? unavailable(why) : failed({ severity: "high", message: why, rule: "eslint-config" });
  }
  const notes: CheckIssue[] = plan.note === undefined ? [] : [{ severity: "info", message: plan.note }];
  return lintFindings(run.counts, [...run.issues, ...notes], `eslint (${plan.source})`);
}
