/**
 * Running the linter {@link chooseLinter} picked, for the lint check and for the auto-fix.
 * The auto-fix only runs a linter the repository chose itself, with that linter's own fix
 * flag; patchbay's default config is never used to rewrite code.
 */
import type { Tree } from "../context.ts";
import { runBiome } from "./biome.ts";
import { runEslint } from "./eslint.ts";
import type { LintRun } from "./lint-findings.ts";
import { runLintScript } from "./lint-script.ts";
import { chooseLinter } from "./linters.ts";
import type { LinterPlan } from "./linters.ts";
import { runStandard, runXo } from "./xo-standard.ts";

/** What the auto-fix did with the repository's linter. */
export interface LintFix {
  /** Problems before minus problems after. */
  fixed: number;
  /** `eslint --fix`, `biome lint --write`, …; undefined when no linter of the repo's could fix. */
  tool?: string;
}

/** Runs a linter (with its fix flag when `fix`). */
export function runLinter(tree: Tree, plan: LinterPlan, fix: boolean): Promise<LintRun> {
  switch (plan.tool) {
    case "eslint":
      return runEslint(tree, plan.eslint, fix);
    case "biome":
      return runBiome(tree, plan, fix);
    case "xo":
      return runXo(tree, plan, fix);
    case "standard":
      return runStandard(tree, plan, fix);
    case "lint-script":
      return runLintScript(tree, fix);
    default: {
      const _exhaustive: never = plan;
      return _exhaustive;
    }
  }
}

const FIX_COMMANDS: Record<LinterPlan["tool"], string> = {
  eslint: "eslint --fix",
  biome: "biome lint --write",
  xo: "xo --fix",
  standard: "standard --fix",
  "lint-script": "npm run lint:fix",
};

function problems(run: LintRun): number {
  return run.counts === undefined ? 0 : run.counts.errors + run.counts.warnings;
}

/** Fixes what the repository's own linter fixes; nothing when it has none (the default config). */
export async function fixWithRepoLinter(tree: Tree): Promise<LintFix> {
  const plan = await chooseLinter(tree);
  if ("missing" in plan || !plan.fixes) return { fixed: 0 };
  const before = await runLinter(tree, plan, false);
  const after = await runLinter(tree, plan, true);
  if (after.counts === undefined) return { fixed: 0 };
  return { fixed: Math.max(0, problems(before) - problems(after)), tool: FIX_COMMANDS[plan.tool] };
}
