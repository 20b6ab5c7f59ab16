/**
 * The merger's forge tasks of incident-swarm (open the hotfix pull request, open the manual
 * issue, merge the hotfix), code-migration (open its pull request) and plan-patch-pr (open the
 * feature's pull request, merge it). Each is idempotent on redelivery: a pull request is found again by
 * its branches, an issue by the task's marker in its body, a merge by the forge itself.
 */
import { implement, type TaskBinding } from "../../infra/nats/actor-host.ts";
import type { Forge } from "../../infra/forge/types.ts";
import type { z } from "zod";
import { MigrationTasks } from "../../protocol/code-migration.ts";
import { IncidentTasks, type MergeInput, type OpenPrInput } from "../../protocol/incident-swarm.ts";
import { PlanPatchTasks } from "../../protocol/plan-patch-pr.ts";

/** What the forge tasks need. */
export interface IncidentForgePorts {
  forge: Forge;
}

/** The line that ties an issue to the task that opened it (`Patchbay-Task: <idempotency key>`). */
export function taskMarker(idempotencyKey: string): string {
  return `Patchbay-Task: ${idempotencyKey}`;
}

/** The PR from head to base: the one already open or merged for them, else a new one. */
async function openPullRequest(
  ports: IncidentForgePorts,
  input: z.infer<typeof OpenPrInput>,
  ctx: { assertCurrent(): Promise<void> },
): Promise<{ number: number; url: string }> {
  const existing = (await ports.forge.listPullRequests(input.repo)).find(
    (pr) => pr.head === input.head && pr.base === input.base && pr.state !== "closed",
  );
  if (existing !== undefined) {
    const labelled = input.labels.every((l) => existing.labels.includes(l))
      ? existing
      : await ports.forge.addLabels(input.repo, existing.number, input.labels);
    return { number: labelled.number, url: labelled.url };
  }
  await ctx.assertCurrent();
  const pr = await ports.forge.createPullRequest(input.repo, {
    title: input.title,
    body: input.body,
    head: input.head,
    base: input.base,
    labels: input.labels,
  });
  return { number: pr.number, url: pr.url };
}

/** `incident.open-pr`: the hotfix PR. */
export function openPrBinding(ports: IncidentForgePorts): TaskBinding {
  return implement(IncidentTasks.openPr, (input, ctx) => openPullRequest(ports, input, ctx));
}

/** `migration.open-pr`: the migration PR. */
export function migrationPrBinding(ports: IncidentForgePorts): TaskBinding {
  return implement(MigrationTasks.openPr, (input, ctx) => openPullRequest(ports, input, ctx));
}

/** `plan.open-pr`: the feature's (or bugfix's) PR. */
export function planPrBinding(ports: IncidentForgePorts): TaskBinding {
  return implement(PlanPatchTasks.openPr, (input, ctx) => openPullRequest(ports, input, ctx));
}

/** `incident.open-issue`: the issue, with the task's marker at the end of its body (found again on redelivery). */
export function openIssueBinding(ports: IncidentForgePorts): TaskBinding {
  return implement(IncidentTasks.openIssue, async (input, ctx) => {
    const marker = taskMarker(ctx.idempotencyKey);
    const existing = (await ports.forge.listIssues(input.repo)).find((issue) =>
      issue.body.split("\n").includes(marker),
    );
    if (existing !== undefined) return { number: existing.number, url: existing.url };
    await ctx.assertCurrent();
    const body = input.body.trim() === "" ? marker : `${input.body.trimEnd()}\n\n${marker}`;
    const issue = await ports.forge.createIssue(input.repo, { title: input.title, body, labels: input.labels });
    return { number: issue.number, url: issue.url };
  });
}

/** Merges the pull request with a real merge commit on its base (a merged one answers its merge commit again). */
async function mergePullRequest(
  ports: IncidentForgePorts,
  input: z.infer<typeof MergeInput>,
  ctx: { assertCurrent(): Promise<void> },
): Promise<{ merge_commit_sha: string }> {
  await ctx.assertCurrent();
  return ports.forge.merge(input.repo, input.number);
}

/** `incident.merge`: merges the hotfix PR. */
export function mergeBinding(ports: IncidentForgePorts): TaskBinding {
  return implement(IncidentTasks.merge, (input, ctx) => mergePullRequest(ports, input, ctx));
}

/** `plan.merge`: merges the feature's PR. */
export function planMergeBinding(ports: IncidentForgePorts): TaskBinding {
  return implement(PlanPatchTasks.merge, (input, ctx) => mergePullRequest(ports, input, ctx));
}
