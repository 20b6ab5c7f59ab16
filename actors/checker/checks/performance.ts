/**
 * Performance: the benchmark the repo declares (`"patchbay": {"bench": "<command>"}` in
 * package.json, or `bench` in patchbay.json) runs on the base and on the head in one run,
 * interleaved (base, head, base, head, …; up to {@link ROUNDS} rounds while the budget lasts),
 * and the medians are compared. The command prints its figure as a JSON object on its last
 * line: `{"value": 12.5}` (lower is better, e.g. ms) or `{"value": 900, "higher_is_better": true}`.
 */
import { ErrorCode, PatchbayError } from "../../../protocol/errors.ts";
import type { CheckContext, Tree } from "../context.ts";
import { lastLines, timeoutIssue } from "../exec.ts";
import type { CommandResult } from "../exec.ts";
import { clampScore, failed, oneDecimal, notApplicable, unavailable } from "../findings.ts";
import type { CheckFindings } from "../ports.ts";
import type { Project } from "../project.ts";

/** Rounds of base+head at most. */
export const ROUNDS = 3;
/** Default regression (percent) above which the check fails. */
export const DEFAULT_MAX_REGRESSION_PCT = 10;

/** One benchmark figure. */
export interface BenchFigure {
  value: number;
  higherIsBetter: boolean;
}

/** Reads the figure from the benchmark's output: the last line that is a JSON object with a numeric `value`. */
export function parseBenchFigure(stdout: string): BenchFigure | undefined {
  for (const line of stdout.trim().split("\n").reverse()) {
    try {
      const parsed = JSON.parse(line) as { value?: unknown; higher_is_better?: unknown };
      if (typeof parsed?.value === "number" && Number.isFinite(parsed.value))
        return { value: parsed.value, higherIsBetter: parsed.higher_is_better === true };
    } catch {
      // not the figure line
    }
  }
  return undefined;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

type Side = { figures: BenchFigure[] } | { error: "timeout" | "failed"; result: CommandResult };

async function runOnce(tree: Tree, command: string, side: { figures: BenchFigure[] }): Promise<Side> {
  const result = await tree.exec.run("sh", ["-c", command]);
  if (result.timedOut) return { error: "timeout", result };
  const figure = result.exitCode === 0 ? parseBenchFigure(result.stdoutTail) : undefined;
  if (figure === undefined) return { error: "failed", result };
  side.figures.push(figure);
  return side;
}

/** Why the repository has no benchmark; undefined when it declares one. */
export function noBenchmark(project: Project): string | undefined {
  return project.settings.bench === undefined
    ? 'no benchmark declared ("patchbay": {"bench": "<command>"} in package.json, or patchbay.json)'
    : undefined;
}

/** Runs the declared benchmark on base and head and reports the regression. */
export async function performance(ctx: CheckContext): Promise<CheckFindings> {
  const command = ctx.head.project.settings.bench;
  if (command === undefined) return notApplicable(noBenchmark(ctx.head.project) ?? "no benchmark declared");
  try {
    return await ctx.withBase((base) => compare(ctx, base, command));
  } catch (err) {
    if (err instanceof PatchbayError && err.code === ErrorCode.BranchNotFound)
      return unavailable(`no baseline: ${err.message}`);
    throw err;
  }
}

async function compare(ctx: CheckContext, base: Tree, command: string): Promise<CheckFindings> {
  if (base.install?.ok === false && base.install.issue !== undefined)
    return unavailable(`no baseline: ${base.install.issue.message}`);
  const sides = { base: { figures: [] as BenchFigure[] }, head: { figures: [] as BenchFigure[] } };
  let slowest = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    if (round > 0 && ctx.head.exec.remainingMs() < 2 * slowest * 1.5) break;
    const started = ctx.ports.now();
    for (const [name, tree] of [
      ["base", base],
      ["head", ctx.head],
    ] as const) {
      const side = await runOnce(tree, command, sides[name]);
      if ("error" in side) return sideFailure(name, side);
    }
    slowest = Math.max(slowest, (ctx.ports.now() - started) / 2);
  }
  const baseValue = median(sides.base.figures.map((figure) => figure.value));
  const headValue = median(sides.head.figures.map((figure) => figure.value));
  if (baseValue === 0) return unavailable("the base's benchmark figure is 0; no regression can be computed");
  const higherIsBetter = sides.head.figures[0].higherIsBetter;
  const regression = oneDecimal(
    ((higherIsBetter ? baseValue - headValue : headValue - baseValue) / Math.abs(baseValue)) * 100,
  );
  const limit = ctx.head.project.settings.max_regression_pct ?? DEFAULT_MAX_REGRESSION_PCT;
  const issues =
    regression > limit
      ? [
          {
            severity: "high" as const,
            message: `Performance regression ${regression}% > allowed ${limit}% (base ${baseValue}, head ${headValue})`,
            rule: "regression",
          },
        ]
      : [];
  return {
    passed: regression <= limit,
    skipped: false,
    score: regression <= 0 ? 100 : clampScore(100 - 4 * regression),
    issues,
    summary: `regression ${regression}% (base ${baseValue}, head ${headValue}, ${sides.head.figures.length} rounds)`,
    metrics: {
      regression_pct: regression,
      base: baseValue,
      head: headValue,
      max_regression_pct: limit,
      rounds: sides.head.figures.length,
    },
  };
}

function sideFailure(
  name: "base" | "head",
  side: { error: "timeout" | "failed"; result: CommandResult },
): CheckFindings {
  if (side.error === "timeout") return failed(timeoutIssue(side.result, `benchmark on ${name}`));
  const why = `benchmark on ${name} printed no figure (exit ${side.result.exitCode ?? side.result.signal}): ${lastLines(side.result)}`;
  return name === "base"
    ? unavailable(`no baseline: ${why}`)
    : failed({ severity: "high", message: why, rule: "bench" });
}
