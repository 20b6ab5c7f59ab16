/**
 * Running the repository's own biome (`biome lint --reporter=json`, with `--write` for the
 * auto-fix: biome's safe fixes only) on the worktree's top-level entries, so patchbay's
 * sandbox folders are never linted. Counts come from the report's summary; each diagnostic
 * becomes an issue named by its category (`lint/suspicious/noDoubleEquals`), fixable when
 * biome offers a safe fix for it (unsafe fixes are never applied).
 */
import type { CheckIssue } from "../../../protocol/quality-gate.ts";
import type { Tree } from "../context.ts";
import type { LinterPlan } from "./linters.ts";
import { lintTargets } from "./linters.ts";
import type { LintRun } from "./lint-findings.ts";

/** The biome plan of {@link LinterPlan}. */
type BiomePlan = Extract<LinterPlan, { tool: "biome" }>;

/** One diagnostic of biome's JSON report (2.x has `message` and line/column; 1.x `description` and spans). */
interface BiomeDiagnostic {
  severity?: string;
  category?: string;
  message?: unknown;
  description?: unknown;
  location?: { path?: string | { file?: string }; start?: { line?: number } };
  /** 2.x: `{text: "Safe fix: …"}` among them when `--write` fixes it. */
  advices?: unknown;
}

/** biome's JSON report. */
interface BiomeReport {
  summary: { errors: number; warnings: number };
  diagnostics: BiomeDiagnostic[];
}

/** Errors and warnings count in the summary; information and hints are only shown. */
const BIOME_SEVERITY: Record<string, CheckIssue["severity"]> = { fatal: "high", error: "medium", warning: "low" };
const REPORT_BYTES = 32 * 1024 * 1024;

/** Runs biome lint (with `--write` when fixing) and reads its JSON report from stdout. */
export async function runBiome(tree: Tree, plan: BiomePlan, fix: boolean): Promise<LintRun> {
  const args = [
    "lint",
    "--reporter=json",
    `--max-diagnostics=${plan.major >= 2 ? "none" : "200"}`,
    ...(fix ? ["--write"] : []),
    ...(await lintTargets(tree.dir)),
  ];
  const result = await tree.exec.run(plan.cmd, args, { maxOutputBytes: REPORT_BYTES });
  const report = parseBiomeReport(result.stdoutTail);
  if (report === undefined || result.timedOut) return { result, issues: [] };
  const issues = report.diagnostics.map(toIssue);
  const fixable = issues.filter((issue) => issue.fixable === true).length;
  return { result, counts: { errors: report.summary.errors, warnings: report.summary.warnings, fixable }, issues };
}

/** biome's JSON report in its output (the line that holds it), or undefined. */
function parseBiomeReport(stdout: string): BiomeReport | undefined {
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const parsed = JSON.parse(line) as Partial<BiomeReport>;
      if (typeof parsed.summary?.errors === "number" && Array.isArray(parsed.diagnostics)) return parsed as BiomeReport;
    } catch {
      // not the report line
    }
  }
  return undefined;
}

function toIssue(diagnostic: BiomeDiagnostic): CheckIssue {
  const text = typeof diagnostic.message === "string" ? diagnostic.message : diagnostic.description;
  const path = diagnostic.location?.path;
  const category = diagnostic.category ?? "biome";
  return {
    severity: BIOME_SEVERITY[diagnostic.severity ?? ""] ?? "info",
    message: `${category}: ${typeof text === "string" ? text : "(no message)"}`,
    file: typeof path === "string" ? path : path?.file,
    line: diagnostic.location?.start?.line,
    rule: category,
    fixable: hasSafeFix(diagnostic.advices),
  };
}

/** Whether biome offers a safe fix (the only kind `--write` applies). */
function hasSafeFix(advices: unknown): boolean {
  return (
    Array.isArray(advices) &&
    advices.some((advice: { text?: unknown }) => typeof advice?.text === "string" && advice.text.startsWith("Safe fix"))
  );
}
