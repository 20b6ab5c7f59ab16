/**
 * The coordinator's public face: the runtime, the registry, the workflow authoring API and
 * the built-in workflows. Nothing outside `services/coordinator/` imports its other files
 * (tests may also use `internal.ts`).
 */
export { Coordinator } from "./runtime.ts";
export type { CoordinatorOptions } from "./runtime.ts";
export { WorkflowRegistry } from "./registry.ts";
export { compensation, dispatch, isCompletion } from "./decider.ts";
export type {
  AnyWorkflow,
  Command,
  Compensation,
  Dispatch,
  DispatchOptions,
  Workflow,
  WorkflowEvent,
} from "./decider.ts";
export { builtinWorkflows } from "./workflows/index.ts";
