/**
 * Static analysis of the non-test sources on the analysis pool: cyclomatic complexity, long
 * functions, duplicated blocks, folded into a 0–100 score: 100 − 2 per point of complexity
 * above {@link COMPLEXITY_LIMIT} in each function − 5 per function longer than
 * {@link LONG_FUNCTION_LINES} lines − 3 per duplicate block. Passes at {@link PASS_SCORE} or more.
 */
import type { FunctionMetrics } from "../../../infra/analysis/index.ts";
import type { CheckIssue } from "../../../protocol/quality-gate.ts";
import type { CheckContext } from "../context.ts";
import { capIssues, clampScore, unavailable } from "../findings.ts";
import type { CheckFindings } from "../ports.ts";
import { findDuplicates } from "./duplication.ts";
import { sourceFiles } from "./sources.ts";

/** Complexity above which a function costs points. */
export const COMPLEXITY_LIMIT = 10;
/** Lines above which a function is long. */
export const LONG_FUNCTION_LINES = 50;
/** Lowest passing score. */
export const PASS_SCORE = 70;

/** Measures complexity, function length and duplication. */
export async function staticAnalysis(ctx: CheckContext): Promise<CheckFindings> {
  const files = sourceFiles(await ctx.files(), { withTests: false });
  if (files.length === 0) return unavailable("no JavaScript, TypeScript or Python sources to analyse");
  const analyses = await ctx.ports.analysis.analyzeFiles(ctx.head.dir, files, { rules: [] });
  const functions = analyses.flatMap((file) => file.functions.map((fn) => ({ ...fn, file: file.path })));
  const complex = functions.filter((fn) => fn.complexity > COMPLEXITY_LIMIT);
  const long = functions.filter((fn) => fn.lines > LONG_FUNCTION_LINES);
  const duplicates = await findDuplicates(ctx.head.dir, files);
  const issues: CheckIssue[] = [
    ...complex.map((fn) =>
      fnIssue(fn, `Complexity ${fn.complexity} in ${fn.name} (limit ${COMPLEXITY_LIMIT})`, "complexity"),
    ),
    ...long.map((fn) =>
      fnIssue(fn, `Long function ${fn.name}: ${fn.lines} lines (limit ${LONG_FUNCTION_LINES})`, "long-function"),
    ),
    ...duplicates.map((dup): CheckIssue => ({
      severity: "low",
      message: `Duplicated block (${dup.lines} lines) also at ${dup.firstFile}:${dup.firstLine}`,
      file: dup.file,
      line: dup.line,
      rule: "duplication",
    })),
  ];
  const excess = complex.reduce((sum, fn) => sum + fn.complexity - COMPLEXITY_LIMIT, 0);
  const score = clampScore(100 - 2 * excess - 5 * long.length - 3 * duplicates.length);
  const maxComplexity = functions.reduce((max, fn) => Math.max(max, fn.complexity), 0);
  const metrics = {
    files: files.length,
    functions: functions.length,
    max_complexity: maxComplexity,
    complex_functions: complex.length,
    long_functions: long.length,
    duplicate_blocks: duplicates.length,
  };
  const summary = `score ${score}: max complexity ${maxComplexity}, ${long.length} long functions, ${duplicates.length} duplicate blocks in ${files.length} file${files.length === 1 ? "" : "s"}`;
  return { passed: score >= PASS_SCORE, skipped: false, score, issues: capIssues(issues), summary, metrics };
}

function fnIssue(fn: FunctionMetrics & { file: string }, message: string, rule: string): CheckIssue {
  return { severity: "medium", message, file: fn.file, line: fn.startLine, rule };
}
