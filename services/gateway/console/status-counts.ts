/**
 * Counts of workflows by status for the console's list. Running and compensating ones are
 * counted from the `sagas` records read for the page; ended ones from an index of the `ended`
 * bucket (id → type and status) that the gateway builds once, by a scan in the background at
 * start, then keeps current from the bucket's writes. Until the scan is done the counts say so
 * (`complete: false`) instead of showing a partial number as the total.
 */
import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import type { JetStreamClient, JsMsg } from "@nats-io/jetstream";
import type { Msg } from "@nats-io/transport-node";
import { decodeRaw } from "../../../protocol/codec.ts";
import { SAGA_STATUSES, TERMINAL, type SagaRecord, type SagaStatus } from "../../../protocol/saga.ts";
import { Bucket, Stream, kvSubject } from "../../../protocol/subjects.ts";
import { forEachInStream } from "../../../infra/nats/stream-read.ts";

/** Workflows per status, and whether the ended ones are all counted yet. */
export interface StatusCountsView {
  counts: Record<SagaStatus, number>;
  complete: boolean;
}

interface Summary {
  type: string;
  status: SagaStatus;
}

/** The index of ended workflows behind the counts. */
export class StatusCounts {
  readonly #ended = new Map<string, Summary>();
  #sub?: Subscription;
  #buffer: Msg[] | undefined = [];
  #complete = false;
  #failure?: string;

  /** Subscribes to the bucket's writes, then scans it in the background. */
  start(nc: NatsConnection, js: JetStreamClient): void {
    this.#sub = nc.subscribe(kvSubject(Bucket.Ended), {
      callback: (_err, msg) => {
        if (this.#buffer) this.#buffer.push(msg);
        else this.#apply(msg.subject, msg.headers, msg.data);
      },
    });
    void this.#scan(js);
  }

  async #scan(js: JetStreamClient): Promise<void> {
    try {
      await forEachInStream(js, Stream.kv(Bucket.Ended), { filter: kvSubject(Bucket.Ended) }, (m: JsMsg) =>
        this.#apply(m.subject, m.headers, m.data),
      );
      for (const msg of this.#buffer ?? []) this.#apply(msg.subject, msg.headers, msg.data);
      this.#complete = true;
    } catch (err) {
      this.#failure = (err as Error).message;
    } finally {
      this.#buffer = undefined;
    }
  }

  #apply(subject: string, headers: { get(k: string): string } | undefined, data: Uint8Array): void {
    const id = subject.slice(kvSubject(Bucket.Ended, "").length);
    const op = headers?.get("KV-Operation") ?? "";
    if (op === "DEL" || op === "PURGE" || data.length === 0) {
      this.#ended.delete(id);
      return;
    }
    try {
      const rec = decodeRaw(data) as SagaRecord;
      this.#ended.set(id, { type: rec.type, status: rec.status });
    } catch {
      // An undecodable record is not a workflow the list can show either.
    }
  }

  /** Counts for `type` (all types when absent), with the running records read for the page. */
  view(running: readonly SagaRecord[], type?: string): StatusCountsView {
    const counts = Object.fromEntries(SAGA_STATUSES.map((s) => [s, 0])) as Record<SagaStatus, number>;
    // A record that just ended is briefly in both buckets; the index counts it.
    for (const rec of running) if ((!type || rec.type === type) && !TERMINAL.has(rec.status)) counts[rec.status] += 1;
    for (const s of this.#ended.values()) if (!type || s.type === type) counts[s.status] += 1;
    return { counts, complete: this.#complete };
  }

  /** Why the scan failed, if it did (the counts of ended workflows then stay incomplete). */
  get failure(): string | undefined {
    return this.#failure;
  }

  stop(): void {
    this.#sub?.unsubscribe();
  }
}
