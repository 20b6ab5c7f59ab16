/**
 * Python lint: ruff (`ruff check --output-format=json`, a binary on PATH or a module of some
 * python3) when present, else pyflakes (a module of some python3 — Debian's carries apt's —
 * or `pyflakes3`/`pyflakes` on PATH). pyflakes' unused imports and variables are warnings,
 * everything else (undefined names, syntax errors, …) an error.
 */
import type { CheckIssue } from "../../../protocol/quality-gate.ts";
import type { CheckContext } from "../context.ts";
import { lastLines, timeoutIssue } from "../exec.ts";
import { failed, notApplicable, unavailable } from "../findings.ts";
import type { CheckFindings } from "../ports.ts";
import { describePythons, findOnPath, pickPython } from "../python.ts";
import { lintFindings } from "./lint-findings.ts";

const PYFLAKES_WARNING =
  /imported but unused|assigned to but never used|redefinition of unused|unable to detect undefined names|f-string is missing placeholders|but unused/;

interface Linter {
  tool: "ruff" | "pyflakes";
  cmd: string;
  args: string[];
}

async function findLinter(ctx: CheckContext): Promise<Linter | { missing: string }> {
  const pythons = await ctx.pythons();
  const ruffBin = (await findOnPath("ruff", ctx.searchPath))[0];
  if (ruffBin !== undefined) return { tool: "ruff", cmd: ruffBin, args: [] };
  const ruffModule = pickPython(pythons, ["ruff"]);
  if (ruffModule !== undefined) return { tool: "ruff", cmd: ruffModule.path, args: ["-m", "ruff"] };
  const pyflakes = pickPython(pythons, ["pyflakes"]);
  if (pyflakes !== undefined) return { tool: "pyflakes", cmd: pyflakes.path, args: ["-m", "pyflakes"] };
  const pyflakesBin =
    (await findOnPath("pyflakes3", ctx.searchPath, ["/usr/bin/pyflakes3"]))[0] ??
    (await findOnPath("pyflakes", ctx.searchPath))[0];
  if (pyflakesBin !== undefined) return { tool: "pyflakes", cmd: pyflakesBin, args: [] };
  return { missing: `neither ruff nor pyflakes is installed (${describePythons(pythons)})` };
}

/** Lints the tracked Python files. */
export async function pythonLint(ctx: CheckContext): Promise<CheckFindings> {
  const files = (await ctx.files()).filter((file) => file.endsWith(".py"));
  if (files.length === 0) return notApplicable("no Python files to lint");
  const linter = await findLinter(ctx);
  if ("missing" in linter) return unavailable(linter.missing);
  const args =
    linter.tool === "ruff"
      ? [...linter.args, "check", "--output-format=json", "--exit-zero", "--no-cache", ...files]
      : [...linter.args, ...files];
  const result = await ctx.head.exec.run(linter.cmd, args);
  if (result.timedOut) return failed(timeoutIssue(result, linter.tool));
  const parsed =
    linter.tool === "ruff" ? parseRuff(result.stdoutTail) : parsePyflakes(`${result.stdoutTail}\n${result.stderrTail}`);
  if (parsed === undefined || (linter.tool === "pyflakes" && result.exitCode !== 0 && parsed.issues.length === 0)) {
    return unavailable(`${linter.tool} could not run (exit ${result.exitCode ?? result.signal}): ${lastLines(result)}`);
  }
  return lintFindings(parsed.counts, parsed.issues, linter.tool);
}

/** Parses `path:line:col: message` (and `path:line: message`) lines of pyflakes. */
export function parsePyflakes(text: string): {
  counts: { errors: number; warnings: number; fixable: number };
  issues: CheckIssue[];
} {
  const issues: CheckIssue[] = [];
  for (const match of text.matchAll(/^(.+?\.py):(\d+):(?:\d+:?)? (.+)$/gm)) {
    const warning = PYFLAKES_WARNING.test(match[3]);
    issues.push({
      severity: warning ? "low" : "medium",
      message: match[3],
      file: match[1].replace(/^\.\//, ""),
      line: Number(match[2]),
      rule: "pyflakes",
      fixable: false,
    });
  }
  const warnings = issues.filter((issue) => issue.severity === "low").length;
  return { counts: { errors: issues.length - warnings, warnings, fixable: 0 }, issues };
}

interface RuffMessage {
  code: string | null;
  message: string;
  filename: string;
  location?: { row?: number };
  fix?: unknown;
}

/** Parses ruff's JSON output; every ruff finding is an error (ruff has no warning level). */
export function parseRuff(
  text: string,
): { counts: { errors: number; warnings: number; fixable: number }; issues: CheckIssue[] } | undefined {
  let messages: RuffMessage[];
  try {
    messages = JSON.parse(text) as RuffMessage[];
  } catch {
    return undefined;
  }
  if (!Array.isArray(messages)) return undefined;
  const issues: CheckIssue[] = messages.map((message) => ({
    severity: "medium",
    message: message.code === null ? message.message : `${message.code}: ${message.message}`,
    file: message.filename,
    line: message.location?.row,
    rule: message.code ?? undefined,
    fixable: message.fix !== null && message.fix !== undefined,
  }));
  return {
    counts: { errors: issues.length, warnings: 0, fixable: issues.filter((issue) => issue.fixable).length },
    issues,
  };
}
