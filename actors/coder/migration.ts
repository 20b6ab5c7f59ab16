/** The coder's code-migration tasks, bound to their contracts. */
import { implement, type TaskBinding } from "../../infra/nats/actor-host.ts";
import { transcriptName } from "../../infra/nats/artifacts.ts";
import { MigrationTasks } from "../../protocol/code-migration.ts";
import { runMigrationRevert } from "./migration-revert.ts";
import { runMigrationStep, type MigrationPorts } from "./migration-step.ts";

/** `migration.step` and `migration.revert`. */
export function migrationBindings(ports: MigrationPorts): TaskBinding[] {
  return [
    implement(MigrationTasks.step, (input, ctx) =>
      runMigrationStep(ports, input, {
        signal: ctx.signal,
        idempotencyKey: ctx.idempotencyKey,
        assertCurrent: () => ctx.assertCurrent(),
        ...(ctx.task.budget ? { budget: ctx.task.budget } : {}),
        transcriptName: transcriptName(ctx.task.workflow_id, ctx.task.run, ctx.task.task_id),
      }),
    ),
    implement(MigrationTasks.revert, (input, ctx) => runMigrationRevert(ports, input, ctx)),
  ];
}
