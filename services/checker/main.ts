/** The checker role: the quality-gate checks, incident-swarm's verification, and the benchmark's no-op tasks. */
import { noopBinding } from "../../actors/bench/index.ts";
import { checkBinding, compileBinding, verifyBinding } from "../../actors/checker/index.ts";
import { runActorMain } from "../service-main.ts";
import { checkerPorts } from "../role-ports.ts";

await runActorMain("checker", (cfg) => {
  const ports = checkerPorts(cfg);
  return [noopBinding, checkBinding(ports), verifyBinding(ports), compileBinding(ports)];
});
