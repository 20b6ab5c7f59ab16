/** The coder role: the quality gate's auto-fix, and the coding agent's patch task (code-patch, plan-patch-pr). */
import { autofixBinding, patchBinding } from "../../actors/coder/index.ts";
import { runActorMain } from "../service-main.ts";
import { coderPorts, patchPorts } from "../role-ports.ts";

await runActorMain("coder", async (cfg, nc) => [
  autofixBinding(coderPorts(cfg)),
  patchBinding(await patchPorts(cfg, nc)),
]);
