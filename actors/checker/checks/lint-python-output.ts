/**
 * What the Python linters print, as lint counts and issues: ruff's JSON, flake8's
 * `path:row:col: CODE text` lines, and the JSON lines of `python/pyflakes-codes.py`
 * (pyflakes with flake8's F-codes). With the repo's own linter settings every reported finding
 * is an error (its CI fails on any); pyflakes on its own defaults counts unused imports and
 * variables, redefined unused names, star imports and placeholder-less f-strings as warnings.
 */
import type { CheckIssue } from "../../../protocol/quality-gate.ts";
import type { LinterSettings } from "../python-project.ts";
import { reportsCode } from "./lint-code-filter.ts";
import type { LintCounts } from "./lint-findings.ts";

/** Counts and issues of one linter run. */
export interface LintParse {
  counts: LintCounts;
  issues: CheckIssue[];
}

/** pyflakes codes that are warnings when no repo settings apply. */
const PYFLAKES_WARNINGS = new Set(["F401", "F403", "F405", "F811", "F841", "F842", "F541"]);

function parsed(issues: CheckIssue[]): LintParse {
  const warnings = issues.filter((issue) => issue.severity === "low").length;
  const fixable = issues.filter((issue) => issue.fixable === true).length;
  return { counts: { errors: issues.length - warnings, warnings, fixable }, issues };
}

function relative(file: string): string {
  return file.replace(/^\.\//, "");
}

interface RuffMessage {
  code: string | null;
  message: string;
  filename: string;
  location?: { row?: number };
  fix?: unknown;
}

/** Parses ruff's JSON output; every ruff finding is an error (ruff has no warning level). */
export function parseRuff(text: string): LintParse | undefined {
  let messages: RuffMessage[];
  try {
    messages = JSON.parse(text) as RuffMessage[];
  } catch {
    return undefined;
  }
  if (!Array.isArray(messages)) return undefined;
  return parsed(
    messages.map((message) => ({
      severity: "medium",
      message: message.code === null ? message.message : `${message.code}: ${message.message}`,
      file: message.filename,
      line: message.location?.row,
      rule: message.code ?? undefined,
      fixable: message.fix !== null && message.fix !== undefined,
    })),
  );
}

/** Parses flake8's default format; every finding is an error (the repo configured flake8). */
export function parseFlake8(text: string): LintParse {
  const issues: CheckIssue[] = [];
  for (const match of text.matchAll(/^(.+?\.py):(\d+):\d+: ([A-Z]+\d+) (.+)$/gm)) {
    issues.push({
      severity: "medium",
      message: `${match[3]}: ${match[4]}`,
      file: relative(match[1]),
      line: Number(match[2]),
      rule: match[3],
      fixable: false,
    });
  }
  return parsed(issues);
}

/** How pyflakes' findings are filtered: by the repo's flake8 or ruff settings, or none (defaults). */
export interface PyflakesFilter {
  settings: LinterSettings;
  defaults: readonly string[];
}

interface CodedFinding {
  file: string;
  line: number;
  code: string | null;
  message: string;
}

/** Parses `pyflakes-codes.py` output, keeping what `filter` reports; undefined when a line is not its JSON. */
export function parsePyflakesCodes(text: string, filter?: PyflakesFilter): LintParse | undefined {
  const issues: CheckIssue[] = [];
  for (const line of text.split("\n").filter((entry) => entry.trim() !== "")) {
    let finding: CodedFinding;
    try {
      finding = JSON.parse(line) as CodedFinding;
    } catch {
      return undefined;
    }
    const file = relative(finding.file);
    if (filter !== undefined && !reportsCode(filter.settings, filter.defaults, finding.code, file)) continue;
    const warning = filter === undefined && PYFLAKES_WARNINGS.has(finding.code ?? "");
    issues.push({
      severity: warning ? "low" : "medium",
      message: finding.code === null ? finding.message : `${finding.code}: ${finding.message}`,
      file,
      line: finding.line,
      rule: finding.code ?? "pyflakes",
      fixable: false,
    });
  }
  return parsed(issues);
}
