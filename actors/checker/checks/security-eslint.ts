/**
 * The JavaScript/TypeScript engine of the security check: patchbay's eslint with
 * eslint-plugin-security's rules only (`actors/checker/eslint-security.config.js`), on the
 * non-test sources passed explicitly, whatever eslint setup the repository has. The plugin
 * reports everything as a warning; each rule gets a severity here, measured on popular npm
 * packages (commander, cors, express, kleur, ms, path-to-regexp, debug, qs, lodash, ejs,
 * body-parser): only the rules that point at a real hole are high.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { CheckIssue, Severity } from "../../../protocol/quality-gate.ts";
import type { Tree } from "../context.ts";
import { lastLines } from "../exec.ts";
import { reportPath } from "../runners/index.ts";
import { eslintBin } from "../tools.ts";
import type { EngineRun } from "./security-engine.ts";

/** The eslint config of the security check. */
export const SECURITY_ESLINT_CONFIG = fileURLToPath(new URL("../eslint-security.config.js", import.meta.url));

/**
 * Severity of each eslint-plugin-security rule. Rules left out (object injection) are off;
 * `detect-child-process` is high only for `exec()` with a non-literal command (its other
 * report, a mere `require("child_process")`, is dropped).
 */
export const ESLINT_SECURITY_SEVERITY: Record<string, Severity> = {
  "security/detect-child-process": "high",
  "security/detect-bidi-characters": "high",
  "security/detect-eval-with-expression": "medium",
  "security/detect-pseudoRandomBytes": "medium",
  "security/detect-no-csrf-before-method-override": "medium",
  "security/detect-disable-mustache-escape": "medium",
  "security/detect-invisible-characters": "medium",
  "security/detect-unsafe-regex": "low",
  "security/detect-non-literal-regexp": "low",
  "security/detect-non-literal-require": "low",
  "security/detect-non-literal-fs-filename": "low",
  "security/detect-possible-timing-attacks": "low",
  "security/detect-buffer-noassert": "low",
  "security/detect-new-buffer": "low",
};

/** Which patchbay rule an eslint rule overlaps (the patchbay rule, which follows values, wins on a line). */
export const ESLINT_CATEGORY: Record<string, string> = {
  "security/detect-child-process": "command-injection",
  "security/detect-eval-with-expression": "code-eval",
};

interface EslintMessage {
  ruleId: string | null;
  message: string;
  line?: number;
  fatal?: boolean;
}

interface EslintFile {
  filePath: string;
  messages: EslintMessage[];
}

function toIssue(file: string, message: EslintMessage): CheckIssue | undefined {
  const ruleId = message.ruleId ?? "";
  const severity = ESLINT_SECURITY_SEVERITY[ruleId];
  if (severity === undefined || /^Found require\(/.test(message.message)) return undefined;
  return { severity, message: `${ruleId}: ${message.message}`, file, line: message.line, rule: ruleId };
}

async function readReport(path: string): Promise<EslintFile[] | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path, "utf8"));
    return Array.isArray(parsed) ? (parsed as EslintFile[]) : undefined;
  } catch {
    return undefined;
  }
}

/** Runs eslint-plugin-security on `files` (relative to the worktree). */
export async function eslintSecurity(tree: Tree, files: readonly string[]): Promise<EngineRun> {
  const engine = "eslint-plugin-security";
  const bin = eslintBin();
  if (!bin.ok) return { engine, files, unavailable: bin.reason };
  const report = reportPath(tree.dir, "eslint-security.json");
  const args = [bin.path, "-c", SECURITY_ESLINT_CONFIG, "--format", "json", "-o", report, "--no-warn-ignored"];
  args.push("--report-unused-disable-directives-severity", "off", ...files);
  const result = await tree.exec.run(process.execPath, args);
  const parsed = result.timedOut ? undefined : await readReport(report);
  if (parsed === undefined) {
    const why = result.timedOut ? `timed out after ${result.limitMs} ms` : `exit ${result.exitCode ?? result.signal}`;
    return { engine, files, unavailable: `eslint could not run (${why}): ${lastLines(result)}` };
  }
  const issues: CheckIssue[] = [];
  const unparsed: string[] = [];
  for (const entry of parsed) {
    const file = entry.filePath.startsWith(`${tree.dir}/`) ? entry.filePath.slice(tree.dir.length + 1) : entry.filePath;
    if (entry.messages.some((message) => message.fatal === true)) unparsed.push(file);
    for (const message of entry.messages) {
      const issue = toIssue(file, message);
      if (issue !== undefined) issues.push(issue);
    }
  }
  return { engine, files, issues, unparsed };
}
