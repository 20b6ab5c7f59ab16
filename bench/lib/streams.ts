/**
 * Counting what patchbay stores on JetStream during a phase: the last sequence of each of its
 * streams (work-queue streams delete consumed messages, but sequences keep counting) and of
 * the streams of its KV buckets (`sagas`, `ended`, `claims`), which count KV writes. (The purge
 * of an ended record's `sagas` key is a request, not a write: it is not counted.)
 */
import type { NatsConnection } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { Bucket, Stream } from "../../protocol/subjects.ts";

/** Stream name → last sequence. */
export type SeqSnapshot = Record<string, number>;

/** The streams holding the KV buckets written per workflow (nats.js names them `KV_<bucket>`). */
export const KV_STREAMS: readonly string[] = [Bucket.Sagas, Bucket.Ended, Bucket.Claims].map(Stream.kv);

const COUNTED = [Stream.Workflows, Stream.Tasks, Stream.Timers, Stream.History, Stream.Dlq, ...KV_STREAMS];

/** Last sequences of patchbay's streams now. */
export async function seqSnapshot(nc: NatsConnection): Promise<SeqSnapshot> {
  const jsm = await jetstreamManager(nc);
  const infos = await Promise.all(COUNTED.map((name) => jsm.streams.info(name)));
  return Object.fromEntries(COUNTED.map((name, i) => [name, infos[i].state.last_seq]));
}

/** Messages stored per stream between two snapshots. */
export function seqDelta(before: SeqSnapshot, after: SeqSnapshot): SeqSnapshot {
  return Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - (before[k] ?? 0)]));
}

/** Stream messages (not KV) and KV writes in a delta. */
export function splitDelta(delta: SeqSnapshot): { streamMessages: number; kvWrites: number; dlq: number } {
  let streamMessages = 0;
  let kvWrites = 0;
  for (const [name, n] of Object.entries(delta)) {
    if (KV_STREAMS.includes(name)) kvWrites += n;
    else streamMessages += n;
  }
  return { streamMessages, kvWrites, dlq: delta[Stream.Dlq] ?? 0 };
}

/** Messages currently in the DLQ stream. */
export async function dlqCount(nc: NatsConnection): Promise<number> {
  const jsm = await jetstreamManager(nc);
  return (await jsm.streams.info(Stream.Dlq)).state.messages;
}
