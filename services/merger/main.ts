/** The merger role: resolving what a gate checks, and reporting on the PR (local forge). */
import { reportBinding, resolveBinding } from "../../actors/merger/index.ts";
import { runActorMain } from "../service-main.ts";
import { mergerPorts } from "../role-ports.ts";

await runActorMain("merger", async (cfg, nc) => {
  const ports = await mergerPorts(cfg, nc);
  return [resolveBinding(ports), reportBinding(ports)];
});
