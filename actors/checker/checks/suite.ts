/**
 * Running one test suite (unit or integration) and turning the runner's counts into
 * findings: exact pass/fail/total, one issue per failing test, a clear failure when the
 * suite cannot run, is cut at the time budget, or reports nothing.
 */
import { readFile } from "node:fs/promises";
import { delimiter } from "node:path";
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
import type { PythonModule } from "../python.ts";
import { preparePythonRun } from "../python-env.ts";
import { importRoots } from "../python-project.ts";
import type { PythonRun } from "../python-env.ts";
import { importFailures, parseRun, suiteCommand } from "../runners/index.ts";
import type { SuiteCommand, TestCounts, TestFailure } from "../runners/index.ts";
import { importFindings } from "./import-findings.ts";

/** A suite's command, with the variables and notes of its Python environment, if any. */
export type ResolvedSuite = SuiteCommand & { env?: Record<string, string>; notes: CheckIssue[]; python?: PythonRun };

/**
 * The command of a suite, or why it cannot run: no interpreter with the runner (or with every
 * module in `needs`), or test dependencies that are missing and could not be installed.
 */
export async function resolveSuite(
  ctx: CheckContext,
  spec: TestSpec,
  needs: readonly PythonModule[] = [],
): Promise<ResolvedSuite | { missing: string }> {
  if (spec.kind !== "python") {
    const command = suiteCommand(spec, ctx.head.dir);
    if (ctx.head.project.kind !== "python") return { ...command, notes: [] };
    // A Python repo's own command: the checked-out code still comes first on the path.
    return {
      ...command,
      env: { ...command.env, PYTHONPATH: (await importRoots(ctx.head.dir)).join(delimiter) },
      notes: [],
    };
  }
  const pythons = await ctx.pythons();
  const wanted: PythonModule[] = [...(spec.runner === "pytest" ? (["pytest"] as const) : []), ...needs];
  const python = pickPython(pythons, wanted);
  if (python === undefined)
    return {
      missing:
        wanted.length > 0
          ? `no python3 with ${wanted.join(" and ")} (${describePythons(pythons)})`
          : "no python3 found",
    };
  const run = await preparePythonRun(ctx.head.exec, python.path);
  if ("unavailable" in run) return { missing: run.unavailable };
  return { ...suiteCommand(spec, ctx.head.dir, run.python), env: run.env, notes: run.notes, python: run };
}

/** Reads a report file, if the runner wrote one. */
export async function readReport(path: string | undefined): Promise<string | undefined> {
  return path === undefined ? undefined : readFile(path, "utf8").catch(() => undefined);
}

/** Runs a suite and reports it. */
export async function runSuite(ctx: CheckContext, spec: TestSpec): Promise<CheckFindings> {
  const command = await resolveSuite(ctx, spec);
  if ("missing" in command) return unavailable(command.missing);
  const result = await ctx.head.exec.run(command.cmd, command.args, { env: command.env });
  if (result.error !== undefined) return unavailable(result.error);
  const output = { stdout: result.stdoutTail, stderr: result.stderrTail, report: await readReport(command.reportFile) };
  const failures = result.timedOut ? [] : importFailures(command.runner, output);
  const findings =
    failures.length > 0
      ? await importFindings(ctx.head.dir, describeSpec(spec), failures)
      : suiteFindings(describeSpec(spec), result, parseRun(command.runner, output), ctx.head.dir);
  findings.issues.push(...command.notes);
  return findings;
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
    message: `Test failed: ${relativePaths(plainText(failure.name), dir)}${message}`,
    file: failure.file === undefined ? undefined : relativePaths(failure.file, dir),
    line: failure.line,
    rule: "test-failure",
  };
}

/**
 * Findings of a finished suite run in `dir`: a run without counts quotes the first error the
 * command printed (a crashed suite), not the end of its stack trace.
 */
function suiteFindings(
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
