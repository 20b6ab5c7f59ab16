/**
 * The checker role: the eight quality-gate checks. What other modules may import.
 */
export { checkBinding, runCheck } from "./handler.ts";
export type { CheckerPorts, CheckFindings, CheckRequest } from "./ports.ts";
export { CHECKS } from "./checks/index.ts";
export type { CheckDefinition } from "./checks/index.ts";
export { checkoutSha, prepareTree } from "./context.ts";
export type { Tree } from "./context.ts";
export { chooseLinter } from "./checks/linters.ts";
export type { LinterPlan } from "./checks/linters.ts";
export { fixWithRepoLinter } from "./checks/run-linter.ts";
export type { LintFix } from "./checks/run-linter.ts";
export { createExec } from "./exec.ts";
export type { CommandOptions, CommandResult, Exec } from "./exec.ts";
export { detectProject } from "./project.ts";
export type { PatchbaySettings, Project, TestSpec } from "./project.ts";
export { DEFAULT_ESLINT_CONFIG } from "./tools.ts";
export { detectRunner, importFailures, parseRun, suiteCommand } from "./runners/index.ts";
export { parseBenchFigure } from "./checks/performance.ts";
export { analyseSources, PASS_SCORE as STATIC_PASS_SCORE } from "./checks/static-analysis.ts";
export { isGeneratedText, sortForStaticAnalysis } from "./checks/sources.ts";
export { declaredNode, parseVersionText } from "./node-version.ts";
export type { DeclaredNode } from "./node-version.ts";
export { pickNode, userPath } from "./node-runtime.ts";
export type { NodeBinary, NodeRuntime } from "./node-runtime.ts";
export { detectManager, pnpmMajorOf } from "./package-manager.ts";
export type { ManagerSpec } from "./package-manager.ts";
export { parseFlake8, parsePyflakesCodes, parseRuff } from "./checks/lint-python-output.ts";
export { importRoots, inspectPythonProject } from "./python-project.ts";
export type { LinterSettings, PythonDeclarations, PythonRequirement } from "./python-project.ts";
export { errorExcerpt } from "./error-excerpt.ts";
export { parseJunit } from "./runners/junit.ts";
export type { RunnerId } from "./runners/index.ts";
export { nodeCoveragePlan } from "./checks/node-coverage-plan.ts";
export type { NodeCoveragePlan } from "./checks/node-coverage-plan.ts";
export { readLineFigure } from "./checks/coverage-report.ts";
export { toolOptions } from "./checks/coverage-options.ts";
export { eslintScriptArgs } from "./checks/eslint-script.ts";
