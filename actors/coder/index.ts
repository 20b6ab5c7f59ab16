/**
 * The coder role. What other modules may import.
 */
export { AUTOFIX_MESSAGE, AUTOFIX_TASK_KIND, createAutofixHandler, parseAutofixInput, runAutofix } from "./autofix.ts";
export type { AutofixPorts } from "./autofix.ts";
