/** The coder role: for now the quality gate's auto-fix (eslint --fix and the repo's formatter). */
import { AUTOFIX_TASK_KIND, createAutofixHandler } from "../../actors/coder/index.ts";
import { runActorMain } from "../service-main.ts";
import { coderPorts } from "../role-ports.ts";

await runActorMain("coder", (cfg) => ({ [AUTOFIX_TASK_KIND]: createAutofixHandler(coderPorts(cfg)) }));
