/** The coder role: the quality gate's auto-fix, the coding agent's patch task (code-patch, plan-patch-pr), and incident-swarm's fix, code-migration's steps and reverts. */
import { autofixBinding, fixBinding, migrationBindings, patchBinding } from "../../actors/coder/index.ts";
import { runActorMain } from "../service-main.ts";
import { coderPorts, fixPorts, migrationPorts, patchPorts } from "../role-ports.ts";

await runActorMain("coder", async (cfg, nc) => [
  autofixBinding(coderPorts(cfg)),
  patchBinding(await patchPorts(cfg, nc)),
  fixBinding(await fixPorts(cfg, nc)),
  ...migrationBindings(await migrationPorts(cfg)),
]);
