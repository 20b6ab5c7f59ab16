/**
 * The static-analysis score: the share of the code a maintainer would call a problem.
 *
 *   score = 100 × (1 − Σ w(f) × L(f) / N − D / N)
 *
 * N is the logical lines of the analysed files, L(f) a function's own logical lines, D the
 * duplicated logical lines (extra copies), and w(f) = min(1, max((C − 10) / 20, (L − 50) / 100))
 * for a function over {@link COMPLEXITY_LIMIT} or {@link LONG_FUNCTION_LINES} (0 otherwise):
 * a function just over a limit weighs little, one at complexity 30 or 150 logical lines
 * weighs its whole length. Module wrappers are module scope, not functions.
 */
import type { FunctionMetrics } from "../../../infra/analysis/index.ts";
import { clampScore } from "../findings.ts";

/** Complexity above which a function is complex. */
export const COMPLEXITY_LIMIT = 10;
/** Own logical lines above which a function is long. */
export const LONG_FUNCTION_LINES = 50;
/** Complexity at which a function counts its whole length (radon's "high" rank starts at 31). */
export const COMPLEXITY_FULL = 30;
/** Own logical lines at which a function counts its whole length. */
export const LENGTH_FULL = 150;
/** Lowest passing score. */
export const PASS_SCORE = 70;

/** A function with the file it is in. */
export type LocatedFunction = FunctionMetrics & { file: string };

/** How much of its length a function over a limit counts (0 when within both limits). */
export function overWeight(fn: FunctionMetrics): number {
  if (fn.moduleWrapper === true) return 0;
  const complexity = excess(fn.complexity, COMPLEXITY_LIMIT, COMPLEXITY_FULL);
  const length = excess(fn.logicalLines, LONG_FUNCTION_LINES, LENGTH_FULL);
  return Math.min(1, Math.max(complexity, length));
}

function excess(value: number, limit: number, full: number): number {
  return value > limit ? (value - limit) / (full - limit) : 0;
}

/** The figures the score is made of. */
export interface ScoreParts {
  /** Logical lines analysed (N). */
  logicalLines: number;
  /** Σ w(f) × L(f). */
  weightedOverLines: number;
  /** Duplicated logical lines (D). */
  duplicatedLines: number;
  score: number;
}

/** Scores functions and duplicated lines against the logical lines analysed. */
export function scoreParts(
  functions: readonly FunctionMetrics[],
  duplicatedLines: number,
  logicalLines: number,
): ScoreParts {
  const weightedOverLines = functions.reduce((sum, fn) => sum + overWeight(fn) * fn.logicalLines, 0);
  const share = logicalLines === 0 ? 0 : (weightedOverLines + duplicatedLines) / logicalLines;
  return { logicalLines, weightedOverLines, duplicatedLines, score: clampScore(100 * (1 - share)) };
}
