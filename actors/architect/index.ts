/** The architect role: codebase analysis for code-migration, designs for plan-patch-pr. What other modules may import. */
import { implement, type TaskBinding } from "../../infra/nats/actor-host.ts";
import { MigrationTasks } from "../../protocol/code-migration.ts";
import { PlanPatchTasks } from "../../protocol/plan-patch-pr.ts";
import { designName, reportName } from "../../infra/nats/artifacts.ts";
import { analyzeRepository, type ArchitectPorts } from "./analyze.ts";
import { designChange } from "./design.ts";

export { analyzeRepository } from "./analyze.ts";
export type { ArchitectPorts } from "./analyze.ts";
export { buildRepoMap, estimateTokens, renderRepoMap, type RepoMap } from "./repo-map.ts";
export { importRanks, rankFiles, wordsOf, type MapFile, type RankedFile } from "./repo-rank.ts";

/** The architect's task bindings. */
export function architectBindings(ports: ArchitectPorts): TaskBinding[] {
  return [
    implement(MigrationTasks.analyze, (input, ctx) =>
      analyzeRepository(ports, input, reportName(ctx.task.workflow_id, ctx.task.run)),
    ),
    implement(PlanPatchTasks.design, (input, ctx) =>
      designChange(ports, input, { signal: ctx.signal, artifact: designName(ctx.task.workflow_id, ctx.task.run) }),
    ),
  ];
}
