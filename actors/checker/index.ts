/**
 * The checker role: the eight quality-gate checks. What other modules may import.
 */
export { checkBinding, runCheck } from "./handler.ts";
export type { CheckerPorts, CheckFindings, CheckRequest } from "./ports.ts";
export { CHECKS } from "./checks/index.ts";
export type { CheckDefinition } from "./checks/index.ts";
export { checkoutSha, prepareTree } from "./context.ts";
export type { Tree } from "./context.ts";
export { eslintPlan, runEslint } from "./checks/eslint.ts";
export type { EslintPlan, EslintRun } from "./checks/eslint.ts";
export { commandPath, createExec } from "./exec.ts";
export type { CommandOptions, CommandResult, Exec } from "./exec.ts";
export { detectProject } from "./project.ts";
export type { PatchbaySettings, Project, TestSpec } from "./project.ts";
export { DEFAULT_ESLINT_CONFIG } from "./tools.ts";
export { detectRunner, parseRun, suiteCommand } from "./runners/index.ts";
export { parseBenchFigure } from "./checks/performance.ts";
export { parsePyflakes, parseRuff } from "./checks/lint-python.ts";
export { errorExcerpt } from "./error-excerpt.ts";
export { parseJunit } from "./runners/junit.ts";
export type { RunnerId } from "./runners/index.ts";
export { nodeCoveragePlan } from "./checks/node-coverage-plan.ts";
export type { NodeCoveragePlan } from "./checks/node-coverage-plan.ts";
export { readLineFigure } from "./checks/coverage-report.ts";
export { toolOptions } from "./checks/coverage-options.ts";
