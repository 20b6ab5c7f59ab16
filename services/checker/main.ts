/** The checker role: the quality-gate checks, and the benchmark's no-op tasks. */
import { noopHandler } from "../../actors/bench/index.ts";
import { CHECK_TASK_KIND, createCheckHandler } from "../../actors/checker/index.ts";
import { NOOP_KIND } from "../coordinator/workflows/bench-fanout.ts";
import { runActorMain } from "../service-main.ts";
import { checkerPorts } from "../role-ports.ts";

await runActorMain("checker", (cfg) => ({ [NOOP_KIND]: noopHandler, [CHECK_TASK_KIND]: createCheckHandler(checkerPorts(cfg)) }));
