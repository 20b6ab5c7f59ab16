/** The checker role: quality checks (with the quality-gate workflow) and the benchmark's no-op tasks. */
import { noopHandler } from "../../actors/bench/index.ts";
import { NOOP_KIND } from "../coordinator/workflows/bench-fanout.ts";
import { runActorMain } from "../actor-main.ts";

await runActorMain("checker", { [NOOP_KIND]: noopHandler });
