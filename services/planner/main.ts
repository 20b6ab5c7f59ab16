/** The planner role: turns an analysis into a migration plan, or checks a custom one. */
import { plannerBindings } from "../../actors/planner/index.ts";
import { runActorMain } from "../service-main.ts";
import { codemodsOf } from "../role-ports.ts";

await runActorMain("planner", async (cfg) => plannerBindings({ codemods: await codemodsOf(cfg) }));
