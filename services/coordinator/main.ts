/** The coordinator process: folds workflow inputs into saga state and publishes the tasks. */
import { runCoordinatorMain } from "../service-main.ts";
import { WorkflowRegistry } from "./decider.ts";
import { builtinWorkflows } from "./workflows/index.ts";

await runCoordinatorMain(new WorkflowRegistry(builtinWorkflows));
