/**
 * Which linter lints a JavaScript/TypeScript repository: the one the repository chose, in
 * this order — an eslint config (flat, or legacy `.eslintrc*`), a biome config
 * (`biome.json`/`biome.jsonc`), xo or standard in its dependencies, its `lint` npm script —
 * else patchbay's eslint with the bug-only default config. A configured tool that is not
 * installed (its install failed, or the repo never declared it) is a reason, never a
 * fallback to another linter.
 */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { SANDBOX_HOME_DIR, SANDBOX_TMP_DIR } from "../../../infra/sandbox/index.ts";
import type { Tree } from "../context.ts";
import { eslintPlan, installedVersion } from "./eslint.ts";
import type { EslintPlan } from "./eslint.ts";

/** A linter run as the repository configured it; `fixes`: auto-fix may run it with its fix flag. */
export type LinterPlan =
  | { tool: "eslint"; eslint: EslintPlan; source: string; fixes: boolean }
  | { tool: "biome"; cmd: string; major: number; source: string; fixes: true }
  | { tool: "xo" | "standard"; cmd: string; source: string; fixes: true }
  | { tool: "lint-script"; source: string; fixes: boolean };

/** No linter could be used, and why. */
export interface NoLinter {
  missing: string;
}

const BIOME_CONFIGS = ["biome.json", "biome.jsonc"];
/** Entries of a worktree no linter should see: patchbay's sandbox dirs, git, dependencies. */
const NOT_LINTED = new Set([SANDBOX_HOME_DIR, SANDBOX_TMP_DIR, ".git", "node_modules"]);

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Why a tool the repository configured is missing, with the install's failure if there was one. */
function notInstalled(tree: Tree, what: string): NoLinter {
  const install = tree.install?.ok === false && tree.install.issue ? `; ${tree.install.issue.message}` : "";
  return { missing: `${what} is not installed in the repository${install}` };
}

/** Chooses the repository's linter (see the module comment). */
export async function chooseLinter(tree: Tree): Promise<LinterPlan | NoLinter> {
  const { project } = tree;
  if (project.eslintConfig !== undefined || project.eslintLegacyConfig !== undefined) return eslintLinter(tree);
  const biomeConfig = (await Promise.all(BIOME_CONFIGS.map((name) => exists(join(tree.dir, name))))).findIndex(Boolean);
  if (biomeConfig >= 0) return biomeLinter(tree, BIOME_CONFIGS[biomeConfig]);
  for (const tool of ["xo", "standard"] as const) {
    if (!project.dependencies.includes(tool)) continue;
    const version = await installedVersion(tree.dir, tool);
    if (version === undefined) return notInstalled(tree, `${tool} (in its devDependencies)`);
    return { tool, cmd: `node_modules/.bin/${tool}`, source: `repo ${tool} ${version}`, fixes: true };
  }
  const script = project.scripts.lint;
  if (script !== undefined && script.trim() !== "")
    return {
      tool: "lint-script",
      source: `npm run lint (${script})`,
      fixes: project.scripts["lint:fix"] !== undefined,
    };
  return eslintLinter(tree);
}

async function eslintLinter(tree: Tree): Promise<LinterPlan | NoLinter> {
  const plan = await eslintPlan(tree);
  if ("missing" in plan) return plan;
  return { tool: "eslint", eslint: plan, source: `eslint (${plan.source})`, fixes: !plan.usesDefault };
}

async function biomeLinter(tree: Tree, config: string): Promise<LinterPlan | NoLinter> {
  const version = await installedVersion(tree.dir, "@biomejs/biome");
  if (version === undefined || !(await exists(join(tree.dir, "node_modules/.bin/biome"))))
    return notInstalled(tree, `biome (configured by ${config})`);
  const major = Number(version.split(".")[0]);
  return { tool: "biome", cmd: "node_modules/.bin/biome", major, source: `biome ${version}, ${config}`, fixes: true };
}

/** The worktree's top-level entries a linter should be given (never patchbay's sandbox dirs). */
export async function lintTargets(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((name) => !NOT_LINTED.has(name)).sort();
}
