/** The merger role: the quality gate's resolve and report, incident-swarm's, code-migration's and plan-patch-pr's forge and git tasks (local forge). */
import {
  cleanupBinding,
  integrateBinding,
  mergeBinding,
  migrationPrBinding,
  openIssueBinding,
  openPrBinding,
  planMergeBinding,
  planPrBinding,
  postmortemBinding,
  reportBinding,
  resolveBinding,
  revertBinding,
} from "../../actors/merger/index.ts";
import { runActorMain } from "../service-main.ts";
import { mergerPorts } from "../role-ports.ts";

await runActorMain("merger", async (cfg, nc) => {
  const ports = await mergerPorts(cfg, nc);
  return [
    resolveBinding(ports),
    reportBinding(ports),
    openPrBinding(ports),
    openIssueBinding(ports),
    postmortemBinding(ports),
    mergeBinding(ports),
    revertBinding(ports),
    migrationPrBinding(ports),
    integrateBinding(ports),
    planPrBinding(ports),
    planMergeBinding(ports),
    cleanupBinding(ports),
  ];
});
