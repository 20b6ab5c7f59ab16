/**
 * Reading the executions the fixture handlers record on the FIXTURE stream: every run of a
 * side effect is one message (nothing deduplicates them), so a test counts what really ran.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import { DeliverPolicy, jetstream } from "@nats-io/jetstream";
import { decodeRaw } from "../../protocol/codec.ts";
import type { FixtureExecution } from "../fixtures/runtime/handlers.ts";

/** An execution with the workflow it belongs to. */
export interface Execution extends FixtureExecution {
  workflow: string;
}

/** Every recorded execution of effect `kind` (`effect`, `step`, `undo`), of one workflow or all, in order. */
export async function executions(nc: NatsConnection, kind: string, workflow = "*"): Promise<Execution[]> {
  const js = jetstream(nc);
  const consumer = await js.consumers.get("FIXTURE", {
    filter_subjects: `fixture.${kind}.${workflow === "*" ? ">" : workflow}`,
    deliver_policy: DeliverPolicy.All,
  });
  let pending = (await consumer.info(true)).num_pending;
  const out: Execution[] = [];
  while (pending > 0) {
    let got = 0;
    for await (const m of await consumer.fetch({ max_messages: Math.min(pending, 1_000), expires: 2_000 })) {
      out.push({ ...(decodeRaw(m.data) as FixtureExecution), workflow: m.subject.split(".").at(-1) as string });
      pending = m.info.pending;
      got += 1;
    }
    if (got === 0) break;
  }
  return out;
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
