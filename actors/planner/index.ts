/** The planner role: migration plans. What other modules may import. */
import { implement, type TaskBinding } from "../../infra/nats/actor-host.ts";
import { MigrationTasks } from "../../protocol/code-migration.ts";
import { planMigration, type PlannerPorts } from "./plan.ts";

export { planMigration } from "./plan.ts";
export type { PlannerPorts } from "./plan.ts";

/** The planner's task bindings. */
export function plannerBindings(ports: PlannerPorts): TaskBinding[] {
  return [implement(MigrationTasks.plan, async (input) => planMigration(ports, input))];
}
