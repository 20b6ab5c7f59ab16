/** The architect role: codebase analysis for code-migration. What other modules may import. */
import { implement, type TaskBinding } from "../../infra/nats/actor-host.ts";
import { MigrationTasks } from "../../protocol/code-migration.ts";
import { reportName } from "../../infra/nats/artifacts.ts";
import { analyzeRepository, type ArchitectPorts } from "./analyze.ts";

export { analyzeRepository } from "./analyze.ts";
export type { ArchitectPorts } from "./analyze.ts";

/** The architect's task bindings. */
export function architectBindings(ports: ArchitectPorts): TaskBinding[] {
  return [
    implement(MigrationTasks.analyze, (input, ctx) =>
      analyzeRepository(ports, input, reportName(ctx.task.workflow_id, ctx.task.run)),
    ),
  ];
}
