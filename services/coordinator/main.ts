/** The coordinator process: folds workflow inputs into saga state and publishes the tasks. */
import { runCoordinatorMain } from "../service-main.ts";
import { WorkflowRegistry, builtinWorkflows } from "./index.ts";

await runCoordinatorMain(new WorkflowRegistry(builtinWorkflows));
