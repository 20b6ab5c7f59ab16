/** The checker role: the quality-gate checks, and the benchmark's no-op tasks. */
import { noopBinding } from "../../actors/bench/index.ts";
import { checkBinding } from "../../actors/checker/index.ts";
import { runActorMain } from "../service-main.ts";
import { checkerPorts } from "../role-ports.ts";

await runActorMain("checker", (cfg) => [noopBinding, checkBinding(checkerPorts(cfg))]);
