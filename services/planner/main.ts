/** The planner role: turns an analysis into a migration plan, or checks a custom one. */
import { plannerBindings } from "../../actors/planner/index.ts";
import { codemodRegistry } from "../../infra/codemods/registry.ts";
import { runActorMain } from "../service-main.ts";

await runActorMain("planner", () => plannerBindings({ codemods: codemodRegistry() }));
