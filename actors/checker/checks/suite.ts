/**
 * Running one test suite (unit or integration) and turning the runner's counts into
 * findings: exact pass/fail/total, one issue per failing test, a clear failure when the
 * suite cannot run, is cut at the time budget, or reports nothing.
 */
import { readFile } from "node:fs/promises";
import type { CheckIssue } from "../../../protocol/quality-gate.ts";
import type { CheckContext } from "../context.ts";
import { errorExcerpt, plainText } from "../error-excerpt.ts";
import { timeoutIssue } from "../exec.ts";
import type { CommandResult } from "../exec.ts";
import { capIssues, clampScore, failed, unavailable } from "../findings.ts";
import type { CheckFindings } from "../ports.ts";
import { describeSpec } from "../project.ts";
import type { TestSpec } from "../project.ts";
import { describePythons, pickPython } from "../python.ts";
import { parseRun, suiteCommand } from "../runners/index.ts";
import type { SuiteCommand, TestCounts, TestFailure } from "../runners/index.ts";

/** The command of a suite, or why it cannot run (no interpreter with the runner). */
export async function resolveSuite(ctx: CheckContext, spec: TestSpec): Promise<SuiteCommand | { missing: string }> {
  if (spec.kind !== "python") return suiteCommand(spec, ctx.head.dir);
  const pythons = await ctx.pythons();
  const python = pickPython(pythons, spec.runner === "pytest" ? ["pytest"] : []);
  if (python === undefined)
    return {
      missing: spec.runner === "pytest" ? `no python3 with pytest (${describePythons(pythons)})` : "no python3 found",
    };
  return suiteCommand(spec, ctx.head.dir, python.path);
}

/** Reads a report file, if the runner wrote one. */
export async function readReport(path: string | undefined): Promise<string | undefined> {
  return path === undefined ? undefined : readFile(path, "utf8").catch(() => undefined);
}

/** Runs a suite and reports it. */
export async function runSuite(ctx: CheckContext, spec: TestSpec): Promise<CheckFindings> {
  const command = await resolveSuite(ctx, spec);
  if ("missing" in command) return unavailable(command.missing);
  const result = await ctx.head.exec.run(command.cmd, command.args);
  if (result.error !== undefined) return unavailable(result.error);
  const counts = parseRun(command.runner, {
    stdout: result.stdoutTail,
    stderr: result.stderrTail,
    report: await readReport(command.reportFile),
  });
  return suiteFindings(describeSpec(spec), result, counts, ctx.head.dir);
}

/** `text` with the worktree's absolute paths (and `file://` URLs) made relative to it. */
function relativePaths(text: string, dir: string | undefined): string {
  return dir === undefined ? text : text.replaceAll(`file://${dir}/`, "").replaceAll(`${dir}/`, "");
}

/** The issue of one failing test: name and first message line without colour codes, paths relative to `dir`. */
function failureIssue(failure: TestFailure, dir: string | undefined): CheckIssue {
  const message = failure.message === undefined ? "" : ` — ${relativePaths(plainText(failure.message), dir)}`;
  return {
    severity: "high",
    message: `Test failed: ${plainText(failure.name)}${message}`,
    file: failure.file === undefined ? undefined : relativePaths(failure.file, dir),
    line: failure.line,
    rule: "test-failure",
  };
}

/**
 * Findings of a finished suite run in `dir`: a run without counts quotes the first error the
 * command printed (a crashed suite), not the end of its stack trace.
 */
export function suiteFindings(
  source: string,
  result: CommandResult,
  counts: TestCounts | undefined,
  dir?: string,
): CheckFindings {
  const metrics = countsMetrics(counts);
  if (result.timedOut) return failed(timeoutIssue(result, `tests (${source})`), metrics);
  if (counts === undefined) {
    const exit = result.exitCode ?? result.signal;
    return failed(
      { severity: "high", message: `no test results from ${source} (exit ${exit}): ${errorExcerpt(result, dir)}` },
      metrics,
    );
  }
  if (counts.total === 0) return failed({ severity: "high", message: `no tests found by ${source}` }, metrics);
  const issues: CheckIssue[] = counts.failures.map((failure) => failureIssue(failure, dir));
  if (counts.failed > 0)
    issues.unshift({ severity: "high", message: `${counts.failed} test failure${counts.failed === 1 ? "" : "s"}` });
  const exitedBadly = result.exitCode !== 0 && counts.failed === 0;
  if (exitedBadly)
    issues.push({
      severity: "high",
      message: `${source} exited with ${result.exitCode ?? result.signal} although no test failed: ${errorExcerpt(result, dir)}`,
    });
  const ran = counts.total - counts.skipped;
  const summary = `${counts.passed}/${counts.total} passed${counts.failed > 0 ? `, ${counts.failed} failed` : ""}${counts.skipped > 0 ? `, ${counts.skipped} skipped` : ""}`;
  return {
    passed: counts.failed === 0 && !exitedBadly,
    skipped: false,
    score: exitedBadly ? 0 : clampScore(ran > 0 ? (counts.passed / ran) * 100 : 0),
    issues: capIssues(issues),
    summary,
    metrics,
  };
}

function countsMetrics(counts: TestCounts | undefined): Record<string, number> {
  if (counts === undefined) return { passed: 0, failed: 0, total: 0 };
  return { passed: counts.passed, failed: counts.failed, skipped: counts.skipped, total: counts.total };
}
