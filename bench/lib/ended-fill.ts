/**
 * Filling the `ended` bucket with copies of real ended records (ended-templates.ts) under new
 * ids, with a deterministic mix of types and statuses and times a few seconds apart, newest
 * written last (the list reads the bucket's stream from its tail). Puts are pipelined with a
 * bounded number in flight, in order, so memory stays flat whatever the count.
 */
import type { KV } from "@nats-io/kv";
import { encode } from "../../protocol/codec.ts";
import type { SagaRecord } from "../../protocol/saga.ts";
import type { Templates } from "./ended-templates.ts";

/** Per 100 records: how many copy each template (the rest copy completed fan-outs). */
export const MIX = { "quality-gate/failed": 2, "bench-fanout/failed": 8, "bench-fanout/cancelled": 5 } as const;

/** Copy `i` is created this long after copy `i - 1`. */
const SPACING_MS = 20_000;
const COMPLETED = ["bench-fanout/completed/4", "bench-fanout/completed/8", "bench-fanout/completed/32"];

/** A well-spread hash of `i` (Knuth's multiplicative), so the mix is not periodic. */
function spread(i: number): number {
  return Math.imul(i + 1, 2654435761) >>> 0;
}

/** The template copy `i` is made of, by {@link MIX}. */
function templateName(i: number): string {
  let slot = spread(i) % 100;
  for (const [name, share] of Object.entries(MIX)) {
    if (slot < share) return name;
    slot -= share;
  }
  return COMPLETED[spread(i) % COMPLETED.length];
}

/** Copy `i` of a template: a new id, created `i` spacings after `origin`, lasting the template's time plus up to a second. */
export function copyOf(templates: Templates, i: number, origin: number): SagaRecord {
  const tpl = templates[templateName(i)];
  if (!tpl) throw new Error(`no template '${templateName(i)}'`);
  const created = origin + i * SPACING_MS;
  const took = tpl.updated_at - tpl.created_at + (spread(i) % 1_000);
  return { ...tpl, id: `wf-${String(i).padStart(7, "0")}`, created_at: created, updated_at: created + took };
}

/** The creation time of copy 0 such that copy `total - 1` was created about now. */
export function originFor(total: number, now = Date.now()): number {
  return now - total * SPACING_MS;
}

/** Puts copies `from`..`to - 1` into `kv` in order, `inFlight` at most awaiting their acks. */
export async function putCopies(
  kv: KV,
  from: number,
  to: number,
  make: (i: number) => SagaRecord,
  inFlight = 256,
): Promise<void> {
  const window: Array<Promise<number>> = [];
  for (let i = from; i < to; i++) {
    const rec = make(i);
    window.push(kv.put(rec.id, encode(rec)));
    if (window.length >= inFlight) await window.shift();
  }
  await Promise.all(window);
}
