/**
 * Static analysis of the code a maintainer maintains (no tests, stubs, examples, benchmarks,
 * config, generated or vendored files; see {@link sortForStaticAnalysis}): cyclomatic
 * complexity and own logical lines of each function, and duplicated logical lines, folded
 * into a share-based score (static-score.ts). Passes at {@link PASS_SCORE} or more.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { AnalysisPool, FileAnalysis } from "../../../infra/analysis/index.ts";
import type { CheckIssue } from "../../../protocol/quality-gate.ts";
import type { CheckContext } from "../context.ts";
import { capIssues, notApplicable, unavailable } from "../findings.ts";
import type { CheckFindings } from "../ports.ts";
import { findDuplicates } from "./duplication.ts";
import type { DuplicateBlock, SourceText } from "./duplication.ts";
import { EXCLUSION_REASONS, isGeneratedText, sortForStaticAnalysis } from "./sources.ts";
import type { StaticSources } from "./sources.ts";
import { COMPLEXITY_LIMIT, LONG_FUNCTION_LINES, overWeight, PASS_SCORE, scoreParts } from "./static-score.ts";
import type { LocatedFunction, ScoreParts } from "./static-score.ts";

export { COMPLEXITY_LIMIT, LONG_FUNCTION_LINES, PASS_SCORE };

/** Measures complexity, function length and duplication of the head. */
export async function staticAnalysis(ctx: CheckContext): Promise<CheckFindings> {
  return analyseSources(ctx.ports.analysis, ctx.head.dir, await ctx.files());
}

/** Static analysis of the tracked `files` under `root`, on the analysis pool. */
export async function analyseSources(
  pool: Pick<AnalysisPool, "analyzeFiles">,
  root: string,
  files: readonly string[],
): Promise<CheckFindings> {
  const sorted = sortForStaticAnalysis(files);
  const texts = await readMaintained(root, sorted);
  if (texts.size === 0) return nothingToAnalyse(sorted);
  const all = await pool.analyzeFiles(root, [...texts.keys()], { rules: [] });
  const analyses = all.filter((a) => !a.error);
  if (analyses.length === 0) {
    return unavailable(`no source file could be analysed (${all[0].path}: ${all[0].error?.message ?? "no result"})`);
  }
  const logicalLines = analyses.reduce((sum, a) => sum + a.codeLines.length, 0);
  if (logicalLines === 0) return notApplicable(`no code in ${plural(analyses.length, "source file")}`);
  const sources: SourceText[] = analyses.map((a) => ({
    file: a.path,
    text: texts.get(a.path) ?? "",
    codeLines: a.codeLines,
  }));
  const functions = analyses.flatMap((a) => a.functions.map((fn): LocatedFunction => ({ ...fn, file: a.path })));
  const duplicates = findDuplicates(sources);
  const parts = scoreParts(
    functions,
    duplicates.reduce((sum, dup) => sum + dup.lines, 0),
    logicalLines,
  );
  return findings(analyses, functions, duplicates, parts, sorted);
}

/** Files read at once (well under any open-file limit). */
const READ_BATCH = 64;

/** Reads the files to analyse; files whose text says they are generated join the excluded ones. */
async function readMaintained(root: string, sorted: StaticSources): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (let i = 0; i < sorted.analysed.length; i += READ_BATCH) {
    const batch = sorted.analysed.slice(i, i + READ_BATCH);
    const read = await Promise.all(batch.map((file) => readFile(join(root, file), "utf8").catch(() => "")));
    batch.forEach((file, index) => {
      if (isGeneratedText(read[index])) sorted.excluded.generated = (sorted.excluded.generated ?? 0) + 1;
      else texts.set(file, read[index]);
    });
  }
  return texts;
}

function nothingToAnalyse(sorted: StaticSources): CheckFindings {
  const languages = Object.entries(sorted.unsupported).map(([language, n]) => `${language} (${plural(n, "file")})`);
  if (languages.length > 0) {
    return unavailable(`only ${languages.join(", ")} sources; static analysis reads JavaScript, TypeScript and Python`);
  }
  const left = leftOut(sorted);
  return notApplicable(left === "" ? "no source files" : `no maintained source files (left out: ${left})`);
}

function findings(
  analyses: readonly FileAnalysis[],
  functions: readonly LocatedFunction[],
  duplicates: readonly DuplicateBlock[],
  parts: ScoreParts,
  sorted: StaticSources,
): CheckFindings {
  const over = functions.filter((fn) => overWeight(fn) > 0).sort((a, b) => cost(b) - cost(a));
  const complex = over.filter((fn) => fn.complexity > COMPLEXITY_LIMIT);
  const long = over.filter((fn) => fn.logicalLines > LONG_FUNCTION_LINES);
  const issues = [...over.flatMap(functionIssues), ...duplicates.map(duplicateIssue)];
  const maxComplexity = functions.reduce((max, fn) => (fn.moduleWrapper ? max : Math.max(max, fn.complexity)), 0);
  const metrics = {
    files: analyses.length,
    functions: functions.length,
    logical_lines: parts.logicalLines,
    max_complexity: maxComplexity,
    complex_functions: complex.length,
    long_functions: long.length,
    over_limit_lines: Math.round(parts.weightedOverLines),
    duplicate_blocks: duplicates.length,
    duplicated_lines: parts.duplicatedLines,
    excluded_files: Object.values(sorted.excluded).reduce((sum, n) => sum + n, 0),
  };
  return {
    passed: parts.score >= PASS_SCORE,
    skipped: false,
    score: parts.score,
    issues: capIssues(issues),
    summary: summaryOf(parts, over, duplicates.length, analyses.length, sorted),
    metrics,
  };
}

function cost(fn: LocatedFunction): number {
  return overWeight(fn) * fn.logicalLines;
}

function functionIssues(fn: LocatedFunction): CheckIssue[] {
  const severity = overWeight(fn) >= 0.5 ? "medium" : "low";
  const at = { severity, file: fn.file, line: fn.startLine } as const;
  const issues: CheckIssue[] = [];
  if (fn.complexity > COMPLEXITY_LIMIT) {
    issues.push({
      ...at,
      message: `Complexity ${fn.complexity} in ${fn.name} (limit ${COMPLEXITY_LIMIT})`,
      rule: "complexity",
    });
  }
  if (fn.logicalLines > LONG_FUNCTION_LINES) {
    const message = `Long function ${fn.name}: ${fn.logicalLines} logical lines (limit ${LONG_FUNCTION_LINES})`;
    issues.push({ ...at, message, rule: "long-function" });
  }
  return issues;
}

function duplicateIssue(dup: DuplicateBlock): CheckIssue {
  const message = `Duplicated block (${dup.lines} lines) also at ${dup.firstFile}:${dup.firstLine}`;
  return { severity: "low", message, file: dup.file, line: dup.line, rule: "duplication" };
}

function summaryOf(
  parts: ScoreParts,
  over: readonly LocatedFunction[],
  blocks: number,
  files: number,
  sorted: StaticSources,
): string {
  const pct = (n: number) => (parts.logicalLines === 0 ? 0 : Math.round((100 * n) / parts.logicalLines));
  const worst = over[0];
  const text = [
    `score ${parts.score}: ${pct(parts.weightedOverLines)}% of ${parts.logicalLines} logical lines in ${plural(over.length, "function")} over the limits`,
    worst
      ? ` (worst ${worst.name} at ${worst.file}:${worst.startLine}, complexity ${worst.complexity}, ${worst.logicalLines} lines)`
      : "",
    `, ${pct(parts.duplicatedLines)}% duplicated (${plural(blocks, "block")}) in ${plural(files, "file")}`,
  ].join("");
  const left = leftOut(sorted);
  const unsupported = Object.keys(sorted.unsupported);
  return [text, left && `left out: ${left}`, unsupported.length > 0 && `not analysed: ${unsupported.join(", ")}`]
    .filter(Boolean)
    .join("; ");
}

function leftOut(sorted: StaticSources): string {
  return EXCLUSION_REASONS.filter((reason) => sorted.excluded[reason] !== undefined)
    .map((reason) => `${sorted.excluded[reason]} ${reason}`)
    .join(", ");
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
