/** The built-in workflow definitions. */
import type { AnyWorkflow } from "../decider.ts";
import { benchFanout } from "./bench-fanout.ts";

/** Every workflow the coordinator runs by default. */
export const builtinWorkflows: AnyWorkflow[] = [benchFanout];
