/**
 * The raw JetStream floor on the same server: what one Node client gets from async stream
 * publishes and from KV compare-and-set updates, with nothing of patchbay in between. Uses
 * its own stream and bucket (BENCHFLOOR / benchfloor) and deletes them afterwards.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import { StorageType, jetstream, jetstreamManager, type JetStreamClient } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import { percentiles, type Percentiles } from "./stats.ts";

/** The floor's own names, so it never touches patchbay's streams or buckets. */
export const FLOOR_STREAM = "BENCHFLOOR";
export const FLOOR_SUBJECT = "benchfloor";
export const FLOOR_BUCKET = "benchfloor";

/** Options of {@link measureFloor}. */
export interface FloorOptions {
  /** Seconds each throughput figure runs. */
  seconds: number;
  /** Publishes outstanding at once. */
  publishInFlight: number;
  /** Keys updated concurrently, each in its own CAS loop. */
  kvKeys: number;
  /** Payload bytes of a floor publish; value bytes of a floor KV update. */
  publishBytes: number;
  kvBytes: number;
  /** Sequential round trips sampled for the latency floor. */
  rttSamples: number;
}

/** The floor figures. */
export interface Floor {
  publishPerSec: number;
  /** Same, each publish with a unique Nats-Msg-Id (the server's dedup path, as patchbay uses it). */
  publishMsgIdPerSec: number;
  kvUpdatePerSec: number;
  /** One awaited publish at a time, ms. */
  publishRtt: Percentiles;
  /** One awaited kv.update at a time, ms. */
  kvUpdateRtt: Percentiles;
}

/** Measures the floor; leaves nothing behind on the server. */
export async function measureFloor(nc: NatsConnection, opts: FloorOptions): Promise<Floor> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({
    name: FLOOR_STREAM,
    subjects: [`${FLOOR_SUBJECT}.>`],
    storage: StorageType.File,
    max_msgs: 1_000_000,
  });
  const kv = await new Kvm(nc).create(FLOOR_BUCKET, { history: 1, storage: StorageType.File });
  try {
    const js = jetstream(nc);
    const payload = new Uint8Array(opts.publishBytes).fill(120);
    const value = new Uint8Array(opts.kvBytes).fill(121);
    await rate(opts.publishInFlight, 1, (w, i) =>
      js.publish(`${FLOOR_SUBJECT}.warm`, payload, { msgID: `warm-${w}-${i}` }),
    );
    const publishRtt = await sampleRtt(opts.rttSamples, (i) =>
      js.publish(`${FLOOR_SUBJECT}.rtt`, payload, { msgID: `rtt-${i}` }),
    );
    const publishPerSec = await publishRate(js, payload, opts, false);
    const publishMsgIdPerSec = await publishRate(js, payload, opts, true);
    const kvUpdateRtt = await kvRtt(kv, value, opts.rttSamples);
    const kvUpdatePerSec = await kvRate(kv, value, opts);
    return { publishPerSec, publishMsgIdPerSec, kvUpdatePerSec, publishRtt, kvUpdateRtt };
  } finally {
    await kv.destroy().catch(() => undefined);
    await jsm.streams.delete(FLOOR_STREAM).catch(() => undefined);
  }
}

/** Runs `workers` loops of `step` until `seconds` have passed; returns completed steps per second. */
async function rate(
  workers: number,
  seconds: number,
  step: (worker: number, i: number) => Promise<unknown>,
): Promise<number> {
  const t0 = performance.now();
  const deadline = t0 + seconds * 1_000;
  let done = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = 0; performance.now() < deadline; i++) {
        await step(w, i);
        done += 1;
      }
    }),
  );
  return done / ((performance.now() - t0) / 1_000);
}

async function publishRate(
  js: JetStreamClient,
  payload: Uint8Array,
  opts: FloorOptions,
  withMsgId: boolean,
): Promise<number> {
  const tag = withMsgId ? "id" : "plain";
  return await rate(opts.publishInFlight, opts.seconds, (w, i) =>
    js.publish(`${FLOOR_SUBJECT}.${tag}`, payload, withMsgId ? { msgID: `${tag}-${w}-${i}` } : undefined),
  );
}

async function kvRate(kv: KV, value: Uint8Array, opts: FloorOptions): Promise<number> {
  const revisions = await Promise.all(Array.from({ length: opts.kvKeys }, (_, k) => kv.put(`k${k}`, value)));
  return await rate(opts.kvKeys, opts.seconds, async (k) => {
    revisions[k] = await kv.update(`k${k}`, value, revisions[k]);
  });
}

async function kvRtt(kv: KV, value: Uint8Array, samples: number): Promise<Percentiles> {
  let revision = await kv.put("rtt", value);
  return await sampleRtt(samples, async () => {
    revision = await kv.update("rtt", value, revision);
  });
}

async function sampleRtt(samples: number, op: (i: number) => Promise<unknown>): Promise<Percentiles> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await op(i);
    times.push(performance.now() - t0);
  }
  return percentiles(times);
}
