/**
 * Reading the executions the fixture handlers record on the FIXTURE stream: every run of a
 * side effect is one message (nothing deduplicates them), so a test counts what really ran.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import { jetstream } from "@nats-io/jetstream";
import { decodeRaw } from "../../protocol/codec.ts";
import { readStream } from "../../infra/nats/stream-read.ts";
import type { FixtureExecution } from "../fixtures/runtime/handlers.ts";

/** An execution with the workflow it belongs to. */
export interface Execution extends FixtureExecution {
  workflow: string;
}

/** Every recorded execution of effect `kind` (`effect`, `step`, `undo`), of one workflow or all, in order. */
export async function executions(nc: NatsConnection, kind: string, workflow = "*"): Promise<Execution[]> {
  const filter = `fixture.${kind}.${workflow === "*" ? ">" : workflow}`;
  const msgs = await readStream(jetstream(nc), "FIXTURE", { filter });
  return msgs.map((m) => ({
    ...(decodeRaw(m.data) as FixtureExecution),
    workflow: m.subject.split(".").at(-1) as string,
  }));
}

/** The task ids of `list`, in order. */
export const tasksOf = (list: Execution[]): string[] => list.map((e) => e.task);

/** Task ids executed more than once, with the pids that ran them. */
export function repeated(list: Execution[]): Map<string, number[]> {
  const byTask = new Map<string, number[]>();
  for (const e of list)
    byTask.set(`${e.workflow}/${e.task}`, [...(byTask.get(`${e.workflow}/${e.task}`) ?? []), e.pid]);
  return new Map([...byTask].filter(([, pids]) => pids.length > 1));
}

/**
 * Executions that ran after a newer delivery of the same attempt had run: what a runner that
 * was frozen and resumed does when the fence does not stop it. Every fault the runtime allows
 * (a kill, a freeze, a result not published) re-runs a task on a later delivery or attempt.
 */
export function staleRuns(list: Execution[]): Execution[] {
  const newest = new Map<string, number>();
  return list.filter((e) => {
    const key = `${e.workflow}/${e.run}/${e.task}/${e.attempt}`;
    const stale = (newest.get(key) ?? 0) >= e.delivery;
    if (!stale) newest.set(key, e.delivery);
    return stale;
  });
}
