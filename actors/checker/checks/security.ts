/**
 * Security: three engines on the non-test sources, merged — patchbay's own rules (the
 * analysis pool: SQL, shell and eval sinks with values followed from request input,
 * hard-coded secrets, disabled TLS checks), eslint-plugin-security on JavaScript/TypeScript
 * and bandit on Python — plus `npm audit` on Node repositories. Source files nothing can
 * analyse (a language without an analyser, Python without bandit) are named: when they
 * outnumber the analysed ones and nothing blocking was found, the check is unavailable, never
 * passed; otherwise the analysed part is reported with a note of the rest. Passes without
 * critical or high findings.
 */
import { languageForPath } from "../../../infra/analysis/index.ts";
import type { RuleMatch } from "../../../infra/analysis/index.ts";
import type { CheckIssue } from "../../../protocol/quality-gate.ts";
import type { CheckContext } from "../context.ts";
import { capIssues, clampScore, notApplicable, severityCounts, unavailable } from "../findings.ts";
import type { CheckFindings } from "../ports.ts";
import { npmAudit } from "./npm.ts";
import { BANDIT_CATEGORY, banditSecurity } from "./security-bandit.ts";
import { mergeFindings } from "./security-engine.ts";
import type { EngineRun } from "./security-engine.ts";
import { ESLINT_CATEGORY, eslintSecurity } from "./security-eslint.ts";
import { unanalysedLanguages } from "./security-languages.ts";
import { sourceFiles } from "./sources.ts";

/** The issue text of each rule (what blocking issues quote). */
export const RULE_MESSAGES: Record<string, string> = {
  "sql-injection": "SQL injection vulnerability",
  "command-injection": "Command injection",
  "code-eval": "Use of eval",
  "hardcoded-secret": "Hard-coded secret",
  "aws-access-key": "Hard-coded secret",
  "tls-verification-disabled": "TLS verification disabled",
};

/** Task-runner files (like tests, they never run in production). */
const TOOLING = /(^|\/)(gulpfile|gruntfile|jakefile)\.[cm]?[jt]s$/i;
const ENGINE_LANGUAGE: Record<string, string> = { "eslint-plugin-security": "JavaScript/TypeScript", bandit: "Python" };

/** Source files no engine fully analysed, with the reason. */
interface NotAnalysed {
  what: string;
  files: number;
  reason: string;
}

function matchIssue(match: RuleMatch): CheckIssue {
  const text = RULE_MESSAGES[match.rule] ?? match.message;
  return {
    severity: match.severity,
    message: text,
    ...(match.flow === undefined ? {} : { detail: match.flow }),
    file: match.file,
    line: match.line,
    rule: match.rule,
  };
}

async function runEngines(ctx: CheckContext, files: readonly string[]): Promise<EngineRun[]> {
  const js = files.filter((file) => /^(javascript|typescript|tsx)$/.test(languageForPath(file) ?? ""));
  const python = files.filter((file) => languageForPath(file) === "python");
  const runs: EngineRun[] = [];
  if (js.length > 0) runs.push(await eslintSecurity(ctx.head, js));
  if (python.length > 0) runs.push(await banditSecurity(ctx, python));
  return runs;
}

function notAnalysed(all: readonly string[], runs: readonly EngineRun[]): NotAnalysed[] {
  const engines = runs.flatMap((run): NotAnalysed[] => {
    const what = ENGINE_LANGUAGE[run.engine] ?? run.engine;
    if ("unavailable" in run) return [{ what, files: run.files.length, reason: run.unavailable }];
    if (run.unparsed.length === 0) return [];
    const names = `${run.unparsed.slice(0, 5).join(", ")}${run.unparsed.length > 5 ? ", …" : ""}`;
    return [{ what, files: run.unparsed.length, reason: `${run.engine} could not parse ${names}` }];
  });
  const languages = unanalysedLanguages(all).map(([language, files]) => ({
    what: language,
    files,
    reason: `no security analyser for ${language}`,
  }));
  return [...engines, ...languages];
}

function describe(missing: readonly NotAnalysed[]): string {
  return missing.map((m) => `${m.what} (${m.files} file${m.files === 1 ? "" : "s"}): ${m.reason}`).join("; ");
}

/** Appends npm audit's findings (or why it was skipped) on Node repositories. */
async function audit(ctx: CheckContext, issues: CheckIssue[], metrics: Record<string, number>): Promise<string[]> {
  if (ctx.head.project.kind !== "node") return [];
  const result = await npmAudit(ctx.head);
  if (result.ok) {
    issues.push(...result.issues);
    metrics.audit_vulnerabilities = result.counts.total;
    return [];
  }
  metrics.audit_skipped = 1;
  issues.push({
    severity: "info",
    message: `npm audit skipped: ${result.reason}${result.detail ? ` (${result.detail})` : ""}`,
    rule: "npm-audit",
  });
  return [`audit: skipped: ${result.reason}`];
}

/** Scans the head with patchbay's rules, eslint-plugin-security and bandit; on Node, audits dependencies. */
export async function security(ctx: CheckContext): Promise<CheckFindings> {
  const all = await ctx.files();
  const files = sourceFiles(all, { withTests: false }).filter((file) => !TOOLING.test(file));
  const analyses = files.length === 0 ? [] : await ctx.ports.analysis.analyzeFiles(ctx.head.dir, files);
  const own = analyses.flatMap((file) => file.matches.map(matchIssue));
  const runs = await runEngines(ctx, files);
  const engineIssues = runs.flatMap((run) => ("issues" in run ? run.issues : []));
  const issues = mergeFindings(own, engineIssues, (rule) => ESLINT_CATEGORY[rule] ?? BANDIT_CATEGORY[rule]);
  const missing = notAnalysed(all, runs);
  const missingFiles = missing.reduce((sum, m) => sum + m.files, 0);
  const scanned = runs.reduce((sum, run) => sum + ("issues" in run ? run.files.length - run.unparsed.length : 0), 0);
  const metrics: Record<string, number> = {
    files_scanned: scanned,
    files_not_analysed: missingFiles,
    pattern_findings: own.length,
    engine_findings: engineIssues.length,
  };
  if (files.length === 0 && missingFiles === 0) {
    return notApplicable("no source files to scan (tests, vendored and generated code left out)", metrics);
  }
  const blocking = issues.some((issue) => issue.severity === "critical" || issue.severity === "high");
  if (missingFiles > scanned && !blocking) {
    const only = scanned > 0 ? ` (only ${scanned} file${scanned === 1 ? "" : "s"} analysed)` : "";
    return unavailable(`${describe(missing)}${only}`, metrics);
  }
  const notes = missing.length > 0 ? [`not analysed: ${describe(missing)}`] : [];
  issues.push(...notes.map((note) => ({ severity: "info" as const, message: note })));
  notes.push(...(await audit(ctx, issues, metrics)));
  const counts = severityCounts(issues);
  const score = clampScore(100 - 25 * counts.critical - 15 * counts.high - 5 * counts.medium - counts.low);
  const found = `${counts.critical} critical, ${counts.high} high, ${counts.medium} medium, ${counts.low} low`;
  const engines = ["patchbay rules", ...runs.filter((run) => "issues" in run).map((run) => run.engine)].join(", ");
  return {
    passed: counts.critical === 0 && counts.high === 0,
    skipped: false,
    score,
    issues: capIssues(issues),
    summary: [`${found} in ${scanned} file${scanned === 1 ? "" : "s"} (${engines})`, ...notes].join("; "),
    metrics: { ...metrics, ...counts },
  };
}
