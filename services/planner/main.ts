/** The planner role: migration plans (or checks a custom one), and plan-patch-pr's issues with its model. */
import { plannerBindings } from "../../actors/planner/index.ts";
import { runActorMain } from "../service-main.ts";
import { plannerPorts } from "../role-ports.ts";

await runActorMain("planner", async (cfg) => plannerBindings(await plannerPorts(cfg)));
