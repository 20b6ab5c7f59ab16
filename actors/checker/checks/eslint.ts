/**
 * Running eslint on a worktree (lint check and auto-fix): the repo's own eslint and config
 * (flat, or legacy `.eslintrc*` with its eslint 9 or older), else patchbay's eslint with the
 * repo's flat config, else patchbay's eslint with the bug-only default config shipped beside
 * the checker. With the repo's config, eslint lints the files the repo's lint script names,
 * with that script's options (eslint-script.ts); with the default config, the whole tree. The
 * JSON report goes to a file, so no output limit can cut it.
 */
import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { SANDBOX_HOME_DIR, SANDBOX_TMP_DIR } from "../../../infra/sandbox/index.ts";
import type { CheckIssue } from "../../../protocol/quality-gate.ts";
import type { Tree } from "../context.ts";
import type { CommandResult } from "../exec.ts";
import { reportPath } from "../runners/index.ts";
import { DEFAULT_ESLINT_CONFIG, eslintBin } from "../tools.ts";
import { eslintScriptArgs } from "./eslint-script.ts";

/** Which eslint with which config. */
export interface EslintPlan {
  cmd: string;
  /** Arguments before patchbay's own (`-c <default>`, or the repo's lint script's options). */
  args: string[];
  /** What is linted: the repo's lint script's files and globs, else `.`. */
  targets: string[];
  /** `repo eslint + repo config`, `patchbay eslint + default config`, … */
  source: string;
  /** Whether the config is patchbay's default (a failure is then patchbay's, not the repo's). */
  usesDefault: boolean;
  /** Environment of the command (`ESLINT_USE_FLAT_CONFIG=false` for a legacy config). */
  env?: Record<string, string>;
}

/** One file of eslint's JSON report. */
export interface EslintFile {
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

/** The version of a package installed in the worktree's node_modules, if any. */
export async function installedVersion(dir: string, name: string): Promise<string | undefined> {
  try {
    const pkg = JSON.parse(await readFile(join(dir, "node_modules", name, "package.json"), "utf8")) as {
      version?: unknown;
    };
    return typeof pkg.version === "string" ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Picks eslint and its config for a worktree: the repo's eslint with its flat or legacy
 * config, patchbay's eslint with the repo's flat config, or patchbay's eslint with the
 * default config when the repo has none. A legacy `.eslintrc*` needs the repo's own eslint
 * 9 or older (eslint 10 cannot read it): without one, it says why there is none.
 */
export async function eslintPlan(tree: Tree): Promise<EslintPlan | { missing: string }> {
  const { project } = tree;
  const version = await installedVersion(tree.dir, "eslint");
  const repoBin = version === undefined ? undefined : "node_modules/.bin/eslint";
  const script = eslintScriptArgs(project.scripts);
  const scope = { args: script.options, targets: script.targets, usesDefault: false };
  const of = script.script === undefined ? "" : `, the files of npm run ${script.script}`;
  if (project.eslintConfig !== undefined) {
    if (repoBin !== undefined)
      return { cmd: repoBin, ...scope, source: `repo eslint ${version}, ${project.eslintConfig}${of}` };
    const own = eslintBin();
    if (!own.ok) return { missing: own.reason };
    return {
      cmd: process.execPath,
      ...scope,
      args: [own.path, ...scope.args],
      source: `patchbay eslint, ${project.eslintConfig}${of}`,
    };
  }
  if (project.eslintLegacyConfig !== undefined) {
    const plan = legacyPlan(project.eslintLegacyConfig, version);
    return "missing" in plan ? plan : { ...plan, ...scope, source: `${plan.source}${of}` };
  }
  const own = eslintBin();
  if (!own.ok) return { missing: own.reason };
  return {
    cmd: process.execPath,
    args: [own.path, "-c", DEFAULT_ESLINT_CONFIG],
    targets: ["."],
    source: "patchbay eslint, default config",
    usesDefault: true,
  };
}

function legacyPlan(
  config: string,
  version: string | undefined,
): Omit<EslintPlan, "args" | "targets" | "usesDefault"> | { missing: string } {
  if (version === undefined)
    return {
      missing: `the legacy eslint config ${config} needs the repo's own eslint (9 or older), which is not installed`,
    };
  if (Number(version.split(".")[0]) >= 10)
    return {
      missing: `the legacy eslint config ${config} cannot be read by the repo's eslint ${version} (10 dropped .eslintrc)`,
    };
  return {
    cmd: "node_modules/.bin/eslint",
    env: { ESLINT_USE_FLAT_CONFIG: "false" },
    source: `repo eslint ${version}, ${config}`,
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
    ...plan.targets,
  ];
  const result = await tree.exec.run(plan.cmd, args, plan.env === undefined ? {} : { env: plan.env });
  const files = parseEslintReport(await readFile(report, "utf8").catch(() => ""));
  if (files === undefined || result.timedOut) return { plan, result, issues: [] };
  return { plan, result, ...eslintReportFindings(tree.dir, files) };
}

/** Counts and issues of an eslint JSON report (eslint's own, or xo's, which is the same format). */
export function eslintReportFindings(dir: string, files: EslintFile[]): Required<Pick<EslintRun, "counts" | "issues">> {
  const counts = { errors: 0, warnings: 0, fixable: 0, files: files.length };
  const issues: CheckIssue[] = [];
  for (const file of files) {
    counts.errors += file.errorCount;
    counts.warnings += file.warningCount;
    counts.fixable += file.fixableErrorCount + file.fixableWarningCount;
    for (const message of file.messages) issues.push(toIssue(dir, file.filePath, message));
  }
  return { counts, issues };
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

/** eslint's JSON report, or undefined when the text is not one. */
export function parseEslintReport(text: string): EslintFile[] | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? (parsed as EslintFile[]) : undefined;
  } catch {
    return undefined;
  }
}
