/**
 * Saga records: running ones in the `sagas` KV bucket, ended ones in `ended` (kept for the
 * retention, then dropped by the server), so that start-up and listing cost what is running,
 * not everything ever run. Reads go through a small cache; writes are revision-checked on
 * `sagas`; an ended record is written there first (the commit), then copied to `ended` and its
 * `sagas` key purged (no marker left). An outbox this process published is dropped by its next
 * write of that record, or cleared by a sweep once the record has been idle for a moment, so
 * the hot path pays one KV write per step (docs/architecture.md, "Cost").
 */
import type { NatsConnection } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import { decodeRaw, encode } from "../../protocol/codec.ts";
import { TERMINAL, type SagaRecord } from "../../protocol/saga.ts";
import { Bucket, DUPLICATE_WINDOW_MS, Stream, kvSubject } from "../../protocol/subjects.ts";
import { isWrongLastSequence } from "../../infra/nats/js-errors.ts";
import { bucketKeys } from "../../infra/nats/stream-read.ts";

/** A record and the KV revision it was read or written at. */
export interface Versioned {
  rec: SagaRecord;
  revision: number;
  /** Served from this process's cache: another replica may have written since. */
  cached?: boolean;
  /** Read from `ended`: the workflow has ended and left `sagas` (its revision is `ended`'s). */
  retired?: boolean;
}

/** The buckets a store works on, and how it purges what an ended workflow leaves behind. */
export interface SagaBuckets {
  sagas: KV;
  ended: KV;
  /** Purges the `sagas` key of `id` without leaving a marker. */
  purge(id: string): Promise<void>;
  /** The keys of `sagas` now (see `bucketKeys`). */
  keys(): Promise<string[]>;
}

/** Opens the buckets of a store on `nc`. */
export async function openSagaBuckets(nc: NatsConnection): Promise<SagaBuckets> {
  const kvm = new Kvm(nc);
  const jsm = await jetstreamManager(nc);
  return {
    sagas: await kvm.open(Bucket.Sagas),
    ended: await kvm.open(Bucket.Ended),
    purge: async (id) =>
      void (await jsm.streams.purge(Stream.kv(Bucket.Sagas), { filter: kvSubject(Bucket.Sagas, id) })),
    keys: () => bucketKeys(jsm, Bucket.Sagas),
  };
}

/** Thrown when a record would not fit in one message of the server: its workflow must fail instead. */
export class RecordTooLarge extends Error {
  readonly bytes: number;
  readonly limit: number;
  constructor(id: string, bytes: number, limit: number) {
    super(`saga record of ${id} is ${bytes} bytes, over the ${limit} bytes one message may hold`);
    this.name = "RecordTooLarge";
    this.bytes = bytes;
    this.limit = limit;
  }
}

/** Thrown when a revision-checked write lost the race. */
export class RevisionConflict extends Error {
  constructor(id: string) {
    super(`saga ${id} changed concurrently`);
    this.name = "RevisionConflict";
  }
}

const CACHE_LIMIT = 20_000;
const CLEAR_AFTER_MS = 200;

/** The coordinator's access to saga records. */
export class SagaStore {
  readonly #kv: KV;
  readonly #ended: KV;
  readonly #purge: (id: string) => Promise<void>;
  readonly #keys: () => Promise<string[]>;
  readonly #cache = new Map<string, Versioned>();
  /** Records whose outbox this process published: id → revision and when. */
  readonly #published = new Map<string, { revision: number; at: number }>();

  readonly #maxBytes: number;

  /** `maxBytes`: the largest encoded record this store writes (the server's max payload, less room for headers). */
  constructor(buckets: SagaBuckets, maxBytes = 1_048_576 - 8_192) {
    this.#kv = buckets.sagas;
    this.#ended = buckets.ended;
    this.#purge = buckets.purge;
    this.#keys = buckets.keys;
    this.#maxBytes = maxBytes;
  }

  /** Reads a record (cache first); undefined when it does not exist. */
  async load(id: string): Promise<Versioned | undefined> {
    return this.cachedVersion(id) ?? (await this.read(id));
  }

  /** Reads a record from KV (`sagas`, else `ended`), bypassing the cache. */
  async read(id: string): Promise<Versioned | undefined> {
    const v = (await getRecord(this.#kv, id)) ?? (await this.#readEnded(id));
    if (v) this.#remember(id, v);
    return v;
  }

  async #readEnded(id: string): Promise<Versioned | undefined> {
    const v = await getRecord(this.#ended, id);
    return v && { ...v, retired: true };
  }

  /** The cached record with its revision, without reading KV. */
  cachedVersion(id: string): Versioned | undefined {
    const cached = this.#cache.get(id);
    return cached ? { ...cached, cached: true } : undefined;
  }

  /** The cached record, without reading KV. */
  cached(id: string): SagaRecord | undefined {
    return this.#cache.get(id)?.rec;
  }

  /** Drops the cached copy (after a conflict). */
  forget(id: string): void {
    this.#cache.delete(id);
  }

  /**
   * Writes `rec` to `sagas`: create when `revision` is undefined, else compare-and-set on it.
   * A create of an id that already ended is a conflict (the start is then read as applied),
   * unless the write `revives` it (a reset of an ended workflow starts its next run).
   */
  async write(rec: SagaRecord, revision: number | undefined, revives = false): Promise<number> {
    const data = encode(rec);
    if (data.length > this.#maxBytes) throw new RecordTooLarge(rec.id, data.length, this.#maxBytes);
    try {
      const next =
        revision !== undefined
          ? await this.#kv.update(rec.id, data, revision)
          : revives
            ? await this.#kv.create(rec.id, data)
            : await this.#create(rec.id, data);
      this.#remember(rec.id, { rec, revision: next });
      return next;
    } catch (err) {
      if (err instanceof RevisionConflict || isWrongLastSequence(err)) {
        this.forget(rec.id);
        throw new RevisionConflict(rec.id);
      }
      throw err;
    }
  }

  /** Creates the key, looking in `ended` at the same time: an ended id is not started again. */
  async #create(id: string, data: Uint8Array): Promise<number> {
    const [created, ended] = await Promise.allSettled([this.#kv.create(id, data), this.#ended.get(id)]);
    if (ended.status === "fulfilled" && ended.value?.operation === "PUT") {
      if (created.status === "fulfilled") await this.#purge(id);
      throw new RevisionConflict(id);
    }
    if (created.status === "rejected") throw created.reason;
    if (ended.status === "rejected") throw ended.reason;
    return created.value;
  }

  /**
   * Moves an ended record out of `sagas`: a copy in `ended` (kept for the retention), then the
   * `sagas` key purged. Idempotent; a crash in between leaves it in `sagas`, where start-up
   * finds and finishes it. (Its wake-ups still waiting on TIMERS are left to fire into nothing:
   * purging a subject of a work-queue stream on nats-server 2.9 loses other messages a consumer
   * holds.)
   */
  async retire(v: Versioned): Promise<void> {
    if (v.retired || !TERMINAL.has(v.rec.status)) return;
    const revision = await this.#ended.put(v.rec.id, encode(v.rec));
    await this.#purge(v.rec.id);
    const published = this.#published.get(v.rec.id);
    if (published?.revision === v.revision) this.#published.set(v.rec.id, { ...published, revision });
    // Cached without its state, input, result and outbox: enough to know it ended (a later
    // input re-reads the full record), and the cache stays small under a stream of workflows.
    const slim: SagaRecord = { ...v.rec, state: null, input: null, outbox: [], steps: [], seen: [] };
    delete slim.result;
    this.#remember(v.rec.id, { rec: slim, revision, retired: true });
  }

  /** Whether this process published the outbox of `id` at `revision`. */
  isPublished(id: string, revision: number): boolean {
    return this.#published.get(id)?.revision === revision;
  }

  /** Notes that the outbox of `id` at `revision` is out; it will be cleared by {@link sweep}. */
  markPublished(id: string, revision: number, now: number): void {
    this.#published.delete(id);
    this.#published.set(id, { revision, at: now });
  }

  /**
   * Clears published outboxes of records idle for a moment. `busy` tells which records a step
   * is working on right now (they are left alone). Returns how many were cleared.
   */
  async sweep(now: number, busy: (id: string) => boolean): Promise<number> {
    const due: Array<[string, number]> = [];
    for (const [id, p] of this.#published) {
      if (now - p.at < CLEAR_AFTER_MS) break;
      due.push([id, p.revision]);
    }
    let cleared = 0;
    await Promise.all(
      due.map(async ([id, revision]) => {
        this.#published.delete(id);
        const cached = this.#cache.get(id);
        if (busy(id) || !cached || cached.revision !== revision || cached.rec.outbox.length === 0) return;
        // An ended record's outbox stays: re-publishing it is deduplicated, and past the
        // duplicate window it is not re-published at all (see outboxToHeal).
        if (TERMINAL.has(cached.rec.status)) return;
        try {
          await this.write({ ...cached.rec, outbox: [] }, revision);
          cleared += 1;
        } catch (err) {
          if (!(err instanceof RevisionConflict)) throw err;
        }
      }),
    );
    return cleared;
  }

  /** Every workflow id in `sagas`: the running ones, and ended ones not yet moved out. */
  async keys(): Promise<string[]> {
    return await this.#keys();
  }

  #remember(id: string, v: Versioned): void {
    this.#cache.delete(id);
    this.#cache.set(id, v);
    if (this.#cache.size > CACHE_LIMIT) this.#cache.delete(this.#cache.keys().next().value as string);
  }
}

/** A record of `kv`, if it holds one under `id`. */
async function getRecord(kv: KV, id: string): Promise<Versioned | undefined> {
  const entry = await kv.get(id);
  if (!entry || entry.operation !== "PUT" || entry.value.length === 0) return undefined;
  return { rec: decodeRaw(entry.value) as SagaRecord, revision: entry.revision };
}

/**
 * Whether a record's outbox may still be unpublished and needs publishing: any outbox of a
 * running workflow, and that of an ended one while its messages are inside the duplicate
 * window (an older one was published: its input was acked only after the publish).
 */
export function outboxToHeal(rec: SagaRecord, now: number): boolean {
  if (rec.outbox.length === 0) return false;
  return !TERMINAL.has(rec.status) || now - rec.updated_at < DUPLICATE_WINDOW_MS / 2;
}
