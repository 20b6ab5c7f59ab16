/**
 * The Python engine of the security check: bandit (Debian's `python3-bandit`, or any `bandit`
 * on PATH) on the non-test sources passed explicitly, its JSON report written to a file. Its
 * severity and confidence are mapped together: HIGH/HIGH is high, HIGH with medium confidence
 * and MEDIUM are medium, anything of low severity or low confidence is low. bandit never says
 * critical: only a flow traced from request input to a sink does (patchbay's rules). The
 * repository's `# nosec` comments are honoured (bandit's default), and so is a `.bandit` file
 * at its root (`--ini`; its `skips` are added to patchbay's).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { CheckIssue, Severity } from "../../../protocol/quality-gate.ts";
import type { CheckContext } from "../context.ts";
import { lastLines } from "../exec.ts";
import { findOnPath } from "../python.ts";
import { reportPath } from "../runners/index.ts";
import type { EngineRun } from "./security-engine.ts";

/**
 * Tests skipped: they flag code quality or safe forms, not holes (`assert`, `try/except: pass`,
 * `random` outside cryptography, `import subprocess`, subprocess with an argument list).
 */
export const BANDIT_SKIPS = ["B101", "B110", "B112", "B311", "B404", "B603"];

/** Which patchbay rule a bandit test overlaps (the patchbay rule, which follows values, wins on a line). */
export const BANDIT_CATEGORY: Record<string, string> = {
  B102: "code-eval",
  B307: "code-eval",
  B602: "command-injection",
  B604: "command-injection",
  B605: "command-injection",
  B608: "sql-injection",
  B105: "hardcoded-secret",
  B106: "hardcoded-secret",
  B107: "hardcoded-secret",
  B501: "tls-verification-disabled",
  B323: "tls-verification-disabled",
};

interface BanditResult {
  filename: string;
  line_number: number;
  test_id: string;
  test_name: string;
  issue_severity: string;
  issue_confidence: string;
  issue_text: string;
}

interface BanditReport {
  results: BanditResult[];
  errors: { filename: string; reason: string }[];
}

/** patchbay's severity of a bandit finding. */
function banditSeverity(severity: string, confidence: string): Severity {
  if (severity === "LOW" || confidence === "LOW") return "low";
  return severity === "HIGH" && confidence === "HIGH" ? "high" : "medium";
}

function toIssue(result: BanditResult): CheckIssue {
  return {
    severity: banditSeverity(result.issue_severity, result.issue_confidence),
    message: `${result.test_id} ${result.test_name}: ${result.issue_text}`,
    file: result.filename.replace(/^\.\//, ""),
    line: result.line_number,
    rule: result.test_id,
  };
}

async function readReport(path: string): Promise<BanditReport | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, "utf8")) as Partial<BanditReport>;
    return Array.isArray(parsed.results) ? { results: parsed.results, errors: parsed.errors ?? [] } : undefined;
  } catch {
    return undefined;
  }
}

/** `--ini .bandit` and the skips it adds, when the repository has a `.bandit` file at its root. */
async function repoConfig(dir: string): Promise<{ args: string[]; skips: string[] }> {
  const text = await readFile(join(dir, ".bandit"), "utf8").catch(() => undefined);
  if (text === undefined) return { args: [], skips: [] };
  const skips = /^\s*skips\s*[:=]\s*(.+)$/m.exec(text)?.[1] ?? "";
  return { args: ["--ini", ".bandit"], skips: skips.split(/[\s,]+/).filter((id) => /^B\d+$/.test(id)) };
}

/** Runs bandit on `files` (relative to the worktree), or says why it cannot. */
export async function banditSecurity(ctx: CheckContext, files: readonly string[]): Promise<EngineRun> {
  const engine = "bandit";
  const bin = (await findOnPath("bandit", ctx.searchPath, ["/usr/bin/bandit"]))[0];
  if (bin === undefined) return { engine, files, unavailable: "bandit is not installed (Debian: python3-bandit)" };
  const report = reportPath(ctx.head.dir, "bandit.json");
  const config = await repoConfig(ctx.head.dir);
  const skips = [...new Set([...BANDIT_SKIPS, ...config.skips])].join(",");
  const args = [...config.args, "-f", "json", "-o", report, "-q", "-s", skips, ...files];
  const result = await ctx.head.exec.run(bin, args);
  const parsed = result.timedOut ? undefined : await readReport(report);
  if (parsed === undefined) {
    const why = result.timedOut ? `timed out after ${result.limitMs} ms` : `exit ${result.exitCode ?? result.signal}`;
    return { engine, files, unavailable: `bandit could not run (${why}): ${lastLines(result)}` };
  }
  const unparsed = parsed.errors.map((error) => error.filename.replace(/^\.\//, ""));
  return { engine, files, issues: parsed.results.map(toIssue), unparsed };
}
