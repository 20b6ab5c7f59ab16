/**
 * Reading a stream once: a stretch of it in order through a temporary ordered consumer (the
 * history of a workflow, a window of ended records, the tail of the DLQ), or the keys of a KV
 * bucket from the stream's subject index. Never on a hot path.
 */
import { DeliverPolicy, type JetStreamClient, type JetStreamManager, type JsMsg } from "@nats-io/jetstream";
import { Stream, kvSubject } from "../../protocol/subjects.ts";

/** Which messages {@link readStream} reads; all of the stream when empty. */
export interface StreamRange {
  /** Only messages on this subject (wildcards allowed). */
  filter?: string;
  /** First stream sequence to read. */
  fromSeq?: number;
  /** Last stream sequence to read; fetches never ask for more than remain up to it. */
  toSeq?: number;
}

/** Largest batch one fetch asks for. */
const MAX_BATCH = 1_000;

/** The messages of `stream` in `range`, ascending by sequence. */
export async function readStream(js: JetStreamClient, stream: string, range: StreamRange = {}): Promise<JsMsg[]> {
  const out: JsMsg[] = [];
  await forEachInStream(js, stream, range, (m) => out.push(m));
  return out;
}

/**
 * Hands each message of `stream` in `range` to `visit`, ascending by sequence, holding at most
 * one fetch in memory (for scans too large to collect, such as every ended workflow).
 */
export async function forEachInStream(
  js: JetStreamClient,
  stream: string,
  range: StreamRange,
  visit: (m: JsMsg) => void,
): Promise<void> {
  const consumer = await js.consumers.get(stream, {
    ...(range.filter === undefined ? {} : { filter_subjects: range.filter }),
    ...(range.fromSeq === undefined
      ? { deliver_policy: DeliverPolicy.All }
      : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: range.fromSeq }),
  });
  const last = range.toSeq ?? Number.POSITIVE_INFINITY;
  let next = range.fromSeq ?? 1;
  try {
    let pending = (await consumer.info(true)).num_pending;
    while (pending > 0 && next <= last) {
      const batch = await consumer.fetch({
        max_messages: Math.min(pending, last - next + 1, MAX_BATCH),
        expires: 2_000,
      });
      let got = 0;
      for await (const m of batch) {
        got += 1;
        pending = m.info.pending;
        if (m.seq > last) return;
        visit(m);
        next = m.seq + 1;
      }
      if (got === 0) break;
    }
  } finally {
    await consumer.delete().catch(() => undefined);
  }
}

/**
 * The keys `bucket` holds now, from its stream's subject index in one request. Not `kv.keys()`:
 * that walks a consumer until a message reports nothing pending, which while other processes
 * write and purge can end early (keys missed) or, never idle, not end at all.
 */
export async function bucketKeys(jsm: JetStreamManager, bucket: string): Promise<string[]> {
  const info = await jsm.streams.info(Stream.kv(bucket), { subjects_filter: kvSubject(bucket) });
  const prefix = kvSubject(bucket, "");
  return Object.keys(info.state.subjects ?? {}).map((subject) => subject.slice(prefix.length));
}
