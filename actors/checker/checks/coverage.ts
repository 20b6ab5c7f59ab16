/**
 * Coverage of the unit tests: for Node the repository's own coverage setup, else patchbay's
 * c8 around the unit command (node-coverage.ts); coverage.py around pytest or unittest. The
 * figure is the percentage of lines, one decimal. No figure makes the check unavailable,
 * never 0%.
 */
import { readFile } from "node:fs/promises";
import { SANDBOX_HOME_DIR, SANDBOX_TMP_DIR } from "../../../infra/sandbox/index.ts";
import type { CheckIssue } from "../../../protocol/quality-gate.ts";
import type { CheckContext } from "../context.ts";
import { errorExcerpt } from "../error-excerpt.ts";
import { lastLines, timeoutIssue } from "../exec.ts";
import type { CommandResult } from "../exec.ts";
import { clampScore, failed, oneDecimal, unavailable } from "../findings.ts";
import type { CheckFindings } from "../ports.ts";
import { unitTestSpec } from "../project.ts";
import { importFailures, reportPath } from "../runners/index.ts";
import { importFindings } from "./import-findings.ts";
import { nodeCoverage } from "./node-coverage.ts";
import { readReport, resolveSuite } from "./suite.ts";
import type { ResolvedSuite } from "./suite.ts";

const PYTHON_OMIT = [
  "tests/*",
  "test/*",
  "*/tests/*",
  "*/test/*",
  "test_*.py",
  "*_test.py",
  "conftest.py",
  "setup.py",
  `${SANDBOX_HOME_DIR}/*`,
  `${SANDBOX_TMP_DIR}/*`,
];

/** Measures coverage of the unit tests. */
export async function coverage(ctx: CheckContext): Promise<CheckFindings> {
  const { project } = ctx.head;
  const required = ctx.req.required_coverage;
  if (project.kind === "unknown")
    return unavailable("not a Node or Python repository (no package.json, no Python files)");
  const spec = await unitTestSpec(project);
  if (spec === undefined) {
    return failed(
      { severity: "high", message: "No unit test command to measure coverage with", rule: "no-test-command" },
      { required },
    );
  }
  if (project.kind === "node") {
    const run = await nodeCoverage(ctx, spec);
    if (!("tool" in run)) return run;
    const pct = run.figure === undefined ? undefined : (run.figure.covered / run.figure.total) * 100;
    return coverageFindings(ctx, run.result, pct, run.tool);
  }
  const python = spec.kind === "python";
  const command = await resolveSuite(ctx, spec, python ? ["coverage"] : []);
  if ("missing" in command) return unavailable(command.missing);
  if (!python)
    return unavailable("coverage.py wraps pytest or unittest suites only; the repo's unit command is a custom one");
  return pythonCoverage(ctx, command);
}

/**
 * coverage.py around the suite, with the suite's interpreter and environment. The repo's own
 * coverage config (`.coveragerc`, `[tool.coverage]`, `setup.cfg`/`tox.ini` `[coverage:…]`) is
 * used as it is; without one, the sources are the repo minus its tests. No figure (coverage's
 * "No data to report") means the check could not run, never 0%.
 */
async function pythonCoverage(ctx: CheckContext, command: ResolvedSuite): Promise<CheckFindings> {
  const env = { ...command.env, COVERAGE_FILE: reportPath(ctx.head.dir, ".coverage") };
  const config = command.python?.declarations.coverage ?? null;
  const options = config === null ? ["--source=.", `--omit=${PYTHON_OMIT.join(",")}`] : [];
  const result = await ctx.head.exec.run(command.cmd, ["-m", "coverage", "run", ...options, ...command.args], { env });
  if (result.timedOut) return coverageFindings(ctx, result, undefined, "coverage.py");
  const output = { stdout: result.stdoutTail, stderr: result.stderrTail, report: await readReport(command.reportFile) };
  const failures = importFailures(command.runner, output);
  if (failures.length > 0) return importFindings(ctx.head.dir, "the coverage run", failures);
  const jsonFile = reportPath(ctx.head.dir, "coverage.json");
  const report = await ctx.head.exec.run(command.cmd, ["-m", "coverage", "json", "-q", "-o", jsonFile], { env });
  if (report.timedOut) return coverageFindings(ctx, report, undefined, "coverage.py");
  const totals = ((await readJson(jsonFile)) as { totals?: { percent_covered?: unknown } } | undefined)?.totals;
  if (typeof totals?.percent_covered !== "number") {
    const why = `coverage.py measured nothing${config === null ? "" : ` with the repo's config (${config})`}`;
    return unavailable(`${why}: ${lastLines(report)} (tests exit ${result.exitCode ?? result.signal})`, {
      required: ctx.req.required_coverage,
    });
  }
  const findings = coverageFindings(ctx, result, totals.percent_covered, "coverage.py");
  findings.issues.push(...command.notes);
  return findings;
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, "utf8"));
  } catch {
    return undefined;
  }
}

function coverageFindings(
  ctx: CheckContext,
  result: CommandResult,
  pct: number | undefined,
  tool: string,
): CheckFindings {
  const required = ctx.req.required_coverage;
  if (result.timedOut) return failed(timeoutIssue(result, `coverage run (${tool})`), { required });
  if (pct === undefined)
    return unavailable(
      `${tool} produced no coverage figure (exit ${result.exitCode ?? result.signal}): ${errorExcerpt(result, ctx.head.dir)}`,
      { required },
    );
  const figure = oneDecimal(pct);
  const issues: CheckIssue[] = [];
  if (figure < required)
    issues.push({ severity: "high", message: `Coverage ${figure}% < required ${required}%`, rule: "coverage" });
  if (result.exitCode !== 0)
    issues.push({
      severity: "medium",
      message: `unit tests failed during the coverage run (exit ${result.exitCode ?? result.signal})`,
    });
  return {
    passed: figure >= required,
    skipped: false,
    score: required <= 0 || figure >= required ? 100 : clampScore((figure / required) * 100),
    issues,
    summary: `coverage ${figure}% (required ${required}%)`,
    metrics: { coverage: figure, required },
  };
}
