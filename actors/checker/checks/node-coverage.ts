/**
 * Coverage of a Node repository's unit tests, measured as its maintainers measure it (see
 * node-coverage-plan.ts), else with patchbay's c8 around the unit command. The figure is the
 * percentage of lines. A run that measured nothing (it crashed, the tool is missing, no line
 * of the sources ran) makes the check unavailable with the reason, never 0%.
 */
import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { SANDBOX_HOME_DIR, SANDBOX_TMP_DIR } from "../../../infra/sandbox/index.ts";
import type { CheckContext } from "../context.ts";
import { errorExcerpt } from "../error-excerpt.ts";
import type { CommandResult } from "../exec.ts";
import { unavailable } from "../findings.ts";
import type { CheckFindings } from "../ports.ts";
import type { TestSpec } from "../project.ts";
import { reportPath } from "../runners/index.ts";
import { c8Bin, c8DefaultExcludes } from "../tools.ts";
import { reportsDirOption, toolOptions } from "./coverage-options.ts";
import { readLineFigure } from "./coverage-report.ts";
import type { LineFigure } from "./coverage-report.ts";
import { nodeCoveragePlan } from "./node-coverage-plan.ts";
import type { NodeCoveragePlan } from "./node-coverage-plan.ts";
import { resolveSuite } from "./suite.ts";

/** What a Node coverage run gives the coverage check. */
export interface NodeCoverageRun {
  /** The command whose exit tells whether the tests passed. */
  result: CommandResult;
  /** Undefined only when the command timed out. */
  figure?: LineFigure;
  tool: string;
}

/**
 * Files that are not the code under test: examples, docs, benchmarks, configs, tests, and tsd's
 * type tests (`index.test-d.ts`, `test-d/`), which the type checker reads and no test runs.
 */
const PATCHBAY_EXCLUDES = [
  `${SANDBOX_HOME_DIR}/**`,
  `${SANDBOX_TMP_DIR}/**`,
  "{example,examples,docs,doc,bench,benchmark,benchmarks,scripts}/**",
  "**/{eslint,prettier,jest,vitest,vite,rollup,webpack,babel,tsup}.config.*",
  "**/*.config.{js,cjs,mjs,ts,cts,mts}",
  "**/.*rc.{js,cjs,mjs}",
  "**/*.{test,spec}.{js,cjs,mjs,ts,cts,mts,jsx,tsx}",
  "**/*.test-d.{ts,cts,mts,tsx}",
  "test-d/**",
];

/** Runs the Node coverage plan; a {@link CheckFindings} when no figure could be had. */
export async function nodeCoverage(ctx: CheckContext, spec: TestSpec): Promise<NodeCoverageRun | CheckFindings> {
  const plan = nodeCoveragePlan(ctx.head.project, spec);
  const since = Date.now() - 1000;
  switch (plan.kind) {
    case "unavailable":
      return unavailable(plan.reason);
    case "script":
      return scriptCoverage(ctx, plan, since);
    case "runner":
      return runnerCoverage(ctx, plan, since);
    case "c8":
      return patchbayC8(ctx, spec, since);
    default: {
      const _exhaustive: never = plan;
      return _exhaustive;
    }
  }
}

/** The figure, or unavailable with the first error the command printed (paths relative to `dir`). */
function measured(
  dir: string,
  result: CommandResult,
  figure: LineFigure | undefined,
  tool: string,
  where: string,
): NodeCoverageRun | CheckFindings {
  if (result.timedOut) return { result, tool };
  const exit = `exit ${result.exitCode ?? result.signal}`;
  if (figure === undefined)
    return unavailable(
      `${tool} wrote no coverage report to ${relative(dir, where) || "."} (${exit}): ${errorExcerpt(result, dir)}`,
    );
  if (figure.total === 0 || figure.covered === 0)
    return unavailable(
      `${tool} measured nothing (${figure.covered} of ${figure.total} lines covered, ${exit}): ${errorExcerpt(result, dir)}`,
    );
  return { result, figure, tool };
}

async function scriptCoverage(
  ctx: CheckContext,
  plan: Extract<NodeCoveragePlan, { kind: "script" }>,
  since: number,
): Promise<NodeCoverageRun | CheckFindings> {
  const result = await ctx.head.exec.run("npm", ["run", plan.script]);
  const tool = `${plan.tool} (${plan.why})`;
  if (result.timedOut || (plan.tool !== "nyc" && plan.tool !== "c8")) {
    const written = join(ctx.head.dir, "coverage");
    return measured(ctx.head.dir, result, await readLineFigure(written, since), tool, written);
  }
  // The script's own nyc/c8 options (includes, --all) apply to the report too. nyc keeps its raw
  // data in .nyc_output whatever the report dir; c8 keeps it under its reports dir, so that stays.
  const options = toolOptions(ctx.head.project.scripts[plan.toolScript] ?? "", plan.tool);
  const reports =
    plan.tool === "nyc"
      ? reportPath(ctx.head.dir, "nyc-report")
      : join(ctx.head.dir, reportsDirOption(options) ?? (await c8ReportsDir(ctx.head.dir)));
  const own = plan.tool === "nyc" ? options.filter((option) => !/^--report-dir\b/.test(option)) : options;
  const bin = join(ctx.head.dir, "node_modules", ".bin", plan.tool);
  const args = [
    "report",
    ...own,
    "--reporter=json-summary",
    ...(plan.tool === "nyc" ? [`--report-dir=${reports}`] : []),
  ];
  const report = await ctx.head.exec.run(bin, args);
  const figure = await readLineFigure(reports, since);
  return measured(ctx.head.dir, figure === undefined && report.exitCode !== 0 ? report : result, figure, tool, reports);
}

/** c8's reports dir from the repo's config (`.c8rc`, `.c8rc.json`, package.json `c8`), else `coverage`. */
async function c8ReportsDir(dir: string): Promise<string> {
  const pkg = (await readJsonFile(join(dir, "package.json"))) as { c8?: unknown } | undefined;
  for (const config of [await readJsonFile(join(dir, ".c8rc.json")), await readJsonFile(join(dir, ".c8rc")), pkg?.c8]) {
    const value = config as Record<string, unknown> | undefined;
    const reports = value?.["reports-dir"] ?? value?.reportsDir ?? value?.["report-dir"] ?? value?.reportDir;
    if (typeof reports === "string" && reports !== "") return reports;
  }
  return "coverage";
}

async function readJsonFile(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, "utf8"));
  } catch {
    return undefined;
  }
}

function runnerArgs(tool: "jest" | "vitest", reports: string): string[] {
  return tool === "jest"
    ? ["--coverage", "--coverageReporters=json-summary", `--coverageDirectory=${reports}`]
    : [
        "--coverage.enabled=true",
        // vitest writes no coverage report when a test failed unless told to
        "--coverage.reportOnFailure=true",
        "--coverage.reporter=json-summary",
        `--coverage.reportsDirectory=${reports}`,
      ];
}

async function runnerCoverage(
  ctx: CheckContext,
  plan: Extract<NodeCoveragePlan, { kind: "runner" }>,
  since: number,
): Promise<NodeCoverageRun | CheckFindings> {
  const reports = reportPath(ctx.head.dir, `${plan.tool}-coverage`);
  const command = await resolveSuite(ctx, plan.spec);
  const args = runnerArgs(plan.tool, reports);
  // The unit command as written when it takes arguments (`npm run test -- --json … --coverage …`), else the runner alone.
  const plain = !("missing" in command) && command.reportFile !== undefined;
  const result = plain
    ? await ctx.head.exec.run(command.cmd, [...command.args, ...args], { env: command.env })
    : await ctx.head.exec.run(join(ctx.head.dir, "node_modules", ".bin", plan.tool), [
        ...(plan.tool === "vitest" ? ["run"] : []),
        ...args,
      ]);
  return measured(ctx.head.dir, result, await readLineFigure(reports, since), `${plan.tool} (${plan.why})`, reports);
}

async function patchbayC8(ctx: CheckContext, spec: TestSpec, since: number): Promise<NodeCoverageRun | CheckFindings> {
  const c8 = c8Bin();
  if (!c8.ok) return unavailable(c8.reason);
  const command = await resolveSuite(ctx, spec);
  if ("missing" in command) return unavailable(command.missing);
  const reports = reportPath(ctx.head.dir, "c8");
  const excludes = ctx.head.project.coverageConfig
    ? []
    : ["--all", ...[...c8DefaultExcludes(c8.path), ...PATCHBAY_EXCLUDES].flatMap((glob) => ["--exclude", glob])];
  const args = [
    c8.path,
    "--reporter=json-summary",
    `--reports-dir=${reports}`,
    `--temp-directory=${reports}-tmp`,
    ...excludes,
    command.cmd,
    ...command.args,
  ];
  const result = await ctx.head.exec.run(process.execPath, args, { env: command.env });
  return measured(ctx.head.dir, result, await readLineFigure(reports, since), "c8", reports);
}
