/**
 * Lint: the repository's own linter on JavaScript/TypeScript repositories (see linters.ts),
 * ruff or pyflakes on Python ones. Passes with no errors; warnings lower the score. Metrics:
 * errors, warnings, fixable.
 */
import type { CheckContext } from "../context.ts";
import { lastLines, timeoutIssue } from "../exec.ts";
import { failed, unavailable } from "../findings.ts";
import type { CheckFindings } from "../ports.ts";
import { lintFindings } from "./lint-findings.ts";
import { COMMAND_NOT_FOUND } from "./lint-script.ts";
import { pythonLint } from "./lint-python.ts";
import { chooseLinter } from "./linters.ts";
import { runLinter } from "./run-linter.ts";

/** Runs the repository's linter. */
export async function lint(ctx: CheckContext): Promise<CheckFindings> {
  const { project, install } = ctx.head;
  if (project.kind === "python") return pythonLint(ctx);
  if (project.kind !== "node") return unavailable("not a Node or Python repository (no package.json, no Python files)");
  const plan = await chooseLinter(ctx.head);
  if ("missing" in plan) return unavailable(plan.missing);
  const run = await runLinter(ctx.head, plan, false);
  if (run.result.timedOut) return failed(timeoutIssue(run.result, plan.source));
  if (run.counts === undefined) {
    const why = `${plan.source} could not run (exit ${run.result.exitCode ?? run.result.signal}): ${lastLines(run.result)}`;
    if (install?.ok === false) return unavailable(`${why}; ${install.issue?.message ?? "the install failed"}`);
    if (run.result.exitCode === COMMAND_NOT_FOUND) return unavailable(why);
    const isDefault = plan.tool === "eslint" && plan.eslint.usesDefault;
    return isDefault ? unavailable(why) : failed({ severity: "high", message: why, rule: "lint-config" });
  }
  return lintFindings(run.counts, run.issues, plan.source);
}
