/** The merger role: resolving what a gate checks, and reporting on the PR (local forge). */
import { createReportHandler, createResolveHandler } from "../../actors/merger/index.ts";
import { GateKind } from "../coordinator/workflows/quality-gate.ts";
import { runActorMain } from "../service-main.ts";
import { mergerPorts } from "../role-ports.ts";

await runActorMain("merger", async (cfg, nc) => {
  const ports = await mergerPorts(cfg, nc);
  return { [GateKind.Resolve]: createResolveHandler(ports), [GateKind.Report]: createReportHandler(ports) };
});
