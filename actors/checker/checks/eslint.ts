/**
 * Running eslint on a worktree (lint check and auto-fix): the repo's own eslint and flat
 * config when it has them, else patchbay's eslint with the repo's flat config, else
 * patchbay's eslint with the default config shipped beside the checker. The JSON report
 * goes to a file, so no output limit can cut it.
 */
import { readFile, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { SANDBOX_HOME_DIR, SANDBOX_TMP_DIR } from "../../../infra/sandbox/index.ts";
import type { CheckIssue } from "../../../protocol/quality-gate.ts";
import type { Tree } from "../context.ts";
import type { CommandResult } from "../exec.ts";
import { reportPath } from "../runners/index.ts";
import { DEFAULT_ESLINT_CONFIG, eslintBin } from "../tools.ts";

/** Which eslint with which config. */
export interface EslintPlan {
  cmd: string;
  /** Arguments before patchbay's own (`-c <default>` or nothing). */
  args: string[];
  /** `repo eslint + repo config`, `patchbay eslint + default config`, … */
  source: string;
  /** Whether the config is patchbay's default (a failure is then patchbay's, not the repo's). */
  usesDefault: boolean;
  /** Something the user should know (a legacy config that was ignored). */
  note?: string;
}

/** One file of eslint's JSON report. */
interface EslintFile {
  filePath: string;
  errorCount: number;
  warningCount: number;
  fixableErrorCount: number;
  fixableWarningCount: number;
  messages: {
    ruleId: string | null;
    severity: number;
    message: string;
    line?: number;
    fatal?: boolean;
    fix?: unknown;
  }[];
}

/** An eslint run. */
export interface EslintRun {
  plan: EslintPlan;
  result: CommandResult;
  /** Undefined when eslint wrote no report (crash, bad config, timeout). */
  counts?: { errors: number; warnings: number; fixable: number; files: number };
  issues: CheckIssue[];
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
}

/** Picks eslint and its config for a worktree, or says why there is none. */
export async function eslintPlan(tree: Tree): Promise<EslintPlan | { missing: string }> {
  const { project } = tree;
  const repoBin = (await isFile(join(tree.dir, "node_modules/eslint/package.json")))
    ? "node_modules/.bin/eslint"
    : undefined;
  if (repoBin !== undefined && (project.eslintConfig !== undefined || project.eslintLegacyConfig !== undefined)) {
    return {
      cmd: repoBin,
      args: [],
      source: `repo eslint, ${project.eslintConfig ?? project.eslintLegacyConfig}`,
      usesDefault: false,
    };
  }
  const own = eslintBin();
  if (!own.ok) return { missing: own.reason };
  if (project.eslintConfig !== undefined) {
    return {
      cmd: process.execPath,
      args: [own.path],
      source: `patchbay eslint, ${project.eslintConfig}`,
      usesDefault: false,
    };
  }
  const note =
    project.eslintLegacyConfig === undefined
      ? undefined
      : `legacy eslint config ${project.eslintLegacyConfig} needs the repo's own eslint (not installed); patchbay's default config was used`;
  return {
    cmd: process.execPath,
    args: [own.path, "-c", DEFAULT_ESLINT_CONFIG],
    source: "patchbay eslint, default config",
    usesDefault: true,
    note,
  };
}

/** Runs eslint (with `--fix` when asked) and reads its report. */
export async function runEslint(tree: Tree, plan: EslintPlan, fix: boolean): Promise<EslintRun> {
  const report = reportPath(tree.dir, "eslint.json");
  const ignores = [SANDBOX_HOME_DIR, SANDBOX_TMP_DIR].flatMap((dir) => ["--ignore-pattern", `${dir}/`]);
  const args = [
    ...plan.args,
    "--format",
    "json",
    "-o",
    report,
    "--no-error-on-unmatched-pattern",
    ...ignores,
    ...(fix ? ["--fix"] : []),
    ".",
  ];
  const result = await tree.exec.run(plan.cmd, args);
  const files = await readReport(report);
  if (files === undefined || result.timedOut) return { plan, result, issues: [] };
  const counts = { errors: 0, warnings: 0, fixable: 0, files: files.length };
  const issues: CheckIssue[] = [];
  for (const file of files) {
    counts.errors += file.errorCount;
    counts.warnings += file.warningCount;
    counts.fixable += file.fixableErrorCount + file.fixableWarningCount;
    for (const message of file.messages) issues.push(toIssue(tree.dir, file.filePath, message));
  }
  return { plan, result, counts, issues };
}

function toIssue(dir: string, filePath: string, message: EslintFile["messages"][number]): CheckIssue {
  return {
    severity: message.fatal ? "high" : message.severity === 2 ? "medium" : "low",
    message: message.ruleId === null ? message.message : `${message.ruleId}: ${message.message}`,
    file: relative(dir, filePath),
    line: message.line,
    rule: message.ruleId ?? undefined,
    fixable: message.fix !== undefined,
  };
}

async function readReport(path: string): Promise<EslintFile[] | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path, "utf8"));
    return Array.isArray(parsed) ? (parsed as EslintFile[]) : undefined;
  } catch {
    return undefined;
  }
}
