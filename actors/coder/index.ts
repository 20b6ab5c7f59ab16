/**
 * The coder role. What other modules may import.
 */
export { AUTOFIX_MESSAGE, autofixBinding, runAutofix } from "./autofix.ts";
export type { AutofixPorts } from "./autofix.ts";
export { fixBinding, runIncidentFix } from "./incident-fix.ts";
export type { FixPorts, FixTask } from "./incident-fix.ts";
export type { FixAgent } from "./incident-written-fix.ts";
export { REMEDIATIONS } from "./remediation/catalogue.ts";
export { NO_REMEDIATION } from "./remediation/plan.ts";
export { patchBinding, runPatch } from "./patch.ts";
export type { PatchPorts, PatchTask } from "./patch.ts";
export { resolveConflictBinding, runResolveConflict } from "./resolve-conflict.ts";
export type { ResolveTask } from "./resolve-conflict.ts";
export { migrationBindings } from "./migration.ts";
export type { MigrationPorts, StepTask } from "./migration-step.ts";
