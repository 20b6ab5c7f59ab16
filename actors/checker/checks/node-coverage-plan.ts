/**
 * How to measure a Node repository's coverage the way its maintainers do. In order:
 *
 * 1. nyc or c8 in the unit test script, or in a script it runs (`test` → `npm run tests-only`
 *    → `nyc tape …`): that script, then the repo's own `nyc report` / `c8 report` as
 *    json-summary (their config, includes and excludes are the repo's).
 * 2. A coverage script (`test:coverage`, `coverage`, `cov`, `test:cov`) that runs nyc, c8, or
 *    jest/vitest with `--coverage`: that script, then nyc/c8 report or the report it wrote in
 *    `coverage/`.
 * 3. Jest: its own `--coverage` (json-summary to patchbay's report dir). Vitest: its own
 *    `--coverage` when the repo has a coverage provider; without one, coverage cannot be
 *    measured (vitest loads tests through its own module loader, out of c8's sight).
 * 4. Otherwise patchbay's c8 around the unit command.
 */
import type { Project, TestSpec } from "../project.ts";
import { detectRunner } from "../runners/index.ts";
import { scriptChain } from "./script-chain.ts";

/** What the coverage check runs. */
export type NodeCoveragePlan =
  /** `npm run <script>`, then the repo's `<tool> report` (nyc, c8) or the report it wrote. */
  | {
      kind: "script";
      script: string;
      /** The script whose own text runs the tool (its options apply to the report). */
      toolScript: string;
      tool: "nyc" | "c8" | "jest" | "vitest";
      why: string;
    }
  /** The repo's jest or vitest with coverage arguments patchbay adds. */
  | { kind: "runner"; tool: "jest" | "vitest"; spec: TestSpec; why: string }
  /** patchbay's c8 around the unit command. */
  | { kind: "c8"; why: string }
  | { kind: "unavailable"; reason: string };

const COVERAGE_SCRIPTS = ["test:coverage", "coverage", "cov", "test:cov", "coverage:test"];
const VITEST_PROVIDERS = ["@vitest/coverage-v8", "@vitest/coverage-istanbul"];

/** The coverage tool a script's own text starts (nyc, c8), or jest/vitest when `chainText` runs one with `--coverage`. */
function toolOf(text: string, chainText: string): "nyc" | "c8" | "jest" | "vitest" | undefined {
  if (/(?:^|[\s;&|(])(?:npx\s+)?nyc\b/.test(text)) return "nyc";
  if (/(?:^|[\s;&|(])(?:npx\s+)?c8\b/.test(text)) return "c8";
  if (!/--coverage\b/.test(text)) return undefined;
  const runner = detectRunner(chainText);
  return runner === "jest" || runner === "vitest" ? runner : undefined;
}

/** The first script of `chain` that measures coverage; `run` is the script to start (default: that one). */
function scriptPlan(
  project: Project,
  chain: readonly string[],
  origin: string,
  run?: string,
): NodeCoveragePlan | undefined {
  const chainText = chain.map((name) => project.scripts[name]).join("\n");
  for (const name of chain) {
    const tool = toolOf(project.scripts[name] ?? "", chainText);
    if (tool !== undefined)
      return {
        kind: "script",
        script: run ?? name,
        toolScript: name,
        tool,
        why: `${origin}: script "${name}" runs ${tool}`,
      };
  }
  return undefined;
}

/** Decides how coverage is measured for the unit suite `spec` of a Node project. */
export function nodeCoveragePlan(project: Project, spec: TestSpec): NodeCoveragePlan {
  const unit = spec.kind === "npm-script" ? scriptChain(project.scripts, spec.script) : [];
  const own = scriptPlan(project, unit, "the unit test script measures coverage");
  if (own !== undefined) return own;
  for (const name of COVERAGE_SCRIPTS) {
    const plan = scriptPlan(project, scriptChain(project.scripts, name), `coverage script "${name}"`, name);
    if (plan !== undefined) return plan;
  }
  const text = [...unit.map((name) => project.scripts[name]), spec.kind === "shell" ? spec.text : ""].join("\n");
  const runner = detectRunner(text);
  if (runner === "jest") return { kind: "runner", tool: "jest", spec, why: "jest's own --coverage" };
  if (runner === "vitest") {
    if (VITEST_PROVIDERS.some((name) => project.dependencies.includes(name)))
      return { kind: "runner", tool: "vitest", spec, why: "vitest's own --coverage" };
    return {
      kind: "unavailable",
      reason: `vitest runs the tests through its own module loader, where c8 cannot measure them, and the repo has no coverage provider (${VITEST_PROVIDERS.join(" or ")})`,
    };
  }
  return { kind: "c8", why: "patchbay's c8 around the unit command" };
}
