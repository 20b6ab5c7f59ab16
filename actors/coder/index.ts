/**
 * The coder role. What other modules may import.
 */
export { AUTOFIX_MESSAGE, autofixBinding, runAutofix } from "./autofix.ts";
export type { AutofixPorts } from "./autofix.ts";
export { patchBinding, runPatch } from "./patch.ts";
export type { PatchPorts, PatchTask } from "./patch.ts";
