/** The coder role: the quality gate's auto-fix, the coding agent's patch task (code-patch, plan-patch-pr) and conflict resolution (plan-patch-pr), and incident-swarm's fix, code-migration's steps and reverts. */
import {
  autofixBinding,
  fixBinding,
  migrationBindings,
  patchBinding,
  resolveConflictBinding,
} from "../../actors/coder/index.ts";
import { runActorMain } from "../service-main.ts";
import { coderPorts, fixPorts, migrationPorts, patchPorts } from "../role-ports.ts";

await runActorMain("coder", async (cfg, nc) => {
  const patch = await patchPorts(cfg, nc);
  return [
    autofixBinding(coderPorts(cfg)),
    patchBinding(patch),
    resolveConflictBinding(patch),
    fixBinding(await fixPorts(cfg, nc)),
    ...migrationBindings(await migrationPorts(cfg, nc)),
  ];
});
