/** The planner role: migration plans, and plan-patch-pr's issues. What other modules may import. */
import { implement, type TaskBinding } from "../../infra/nats/actor-host.ts";
import { MigrationTasks } from "../../protocol/code-migration.ts";
import { PlanPatchTasks } from "../../protocol/plan-patch-pr.ts";
import { planIssues } from "./issues.ts";
import { planMigration, type PlannerPorts } from "./plan.ts";

export { planMigration } from "./plan.ts";
export type { PlannerPorts } from "./plan.ts";

/** The planner's task bindings. */
export function plannerBindings(ports: PlannerPorts): TaskBinding[] {
  return [
    implement(MigrationTasks.plan, async (input) => planMigration(ports, input)),
    implement(PlanPatchTasks.issues, (input, ctx) => planIssues(ports.model, input, ctx.signal, ctx.log)),
  ];
}
