/**
 * The coordinator shell: the only code with effects. Per workflow it folds every waiting
 * input into one step: read record → skip inputs already applied → evolve/decide →
 * revision-checked KV write → publish the outbox with deterministic ids → ack the inputs.
 * A conflict re-reads and retries; a crash between write and publish is healed by the next
 * delivery of the input or by the outbox scan at start.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import { jetstream, type JetStreamClient } from "@nats-io/jetstream";
import { ensureError } from "../../protocol/errors.ts";
import { publishAll } from "../../infra/nats/publish.ts";
import { startSpan } from "../../infra/telemetry/tracing.ts";
import type { SagaRecord } from "../../protocol/saga.ts";
import type { SagaInput } from "./step.ts";
import { foldInputs } from "./fold.ts";
import { markRepublished, outboxMessages, oversizedFailure } from "./record.ts";
import type { WorkflowRegistry } from "./registry.ts";
import { RecordTooLarge, RevisionConflict, SagaStore, openSagaBuckets, outboxToHeal, type Versioned } from "./store.ts";
import { SIGNAL_HOLD_MS, consumeInputs, type InputSink } from "./inputs.ts";

/** Ports and options of a coordinator replica. */
export interface CoordinatorOptions {
  nc: NatsConnection;
  registry: WorkflowRegistry;
  /** Clock (epoch ms); injected so tests can drive time. */
  now?: () => number;
  log?: (line: string) => void;
  /** Awaited before a record is written; throwing fails that write (fault injection). */
  beforeWrite?: (rec: SagaRecord) => void | Promise<void>;
  /** Called after a record is written and before its outbox is published (fault injection). */
  afterWrite?: (rec: SagaRecord) => void;
  /**
   * Clear published outboxes of idle records (default true). False leaves them as a replica
   * that died before its sweep would (fault injection).
   */
  clearPublishedOutboxes?: boolean;
  /**
   * How long a signal for a workflow that does not exist (yet) is held before it is
   * dead-lettered as NOT_FOUND (default {@link SIGNAL_HOLD_MS}, 5 minutes).
   */
  signalHoldMs?: number;
}

/** One item waiting in a workflow's mailbox; `done` acks (or naks) its message. */
interface Waiting {
  input: SagaInput;
  done: (err?: Error) => void;
}

const MAX_CONFLICT_RETRIES = 50;
/** Room left in a message for the KV headers. */
const RECORD_HEADROOM_BYTES = 8_192;
const SWEEP_INTERVAL_MS = 100;

/** A coordinator replica; any number may run against the same bucket. */
export class Coordinator implements InputSink {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly registry: WorkflowRegistry;
  readonly now: () => number;
  readonly log: (line: string) => void;
  readonly signalHoldMs: number;
  readonly #afterWrite?: (rec: SagaRecord) => void;
  readonly #beforeWrite?: (rec: SagaRecord) => void | Promise<void>;
  #store?: SagaStore;
  readonly #mailboxes = new Map<string, Waiting[]>();
  readonly #busy = new Set<string>();
  #stops: Array<() => Promise<void>> = [];
  #sweeper?: NodeJS.Timeout;
  #idle = Promise.resolve();
  #sweeping = false;
  readonly #clearPublished: boolean;
  #conflicts = 0;

  constructor(opts: CoordinatorOptions) {
    this.nc = opts.nc;
    this.js = jetstream(opts.nc);
    this.registry = opts.registry;
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? (() => undefined);
    if (opts.afterWrite) this.#afterWrite = opts.afterWrite;
    if (opts.beforeWrite) this.#beforeWrite = opts.beforeWrite;
    this.#clearPublished = opts.clearPublishedOutboxes ?? true;
    this.signalHoldMs = opts.signalHoldMs ?? SIGNAL_HOLD_MS;
  }

  /** Compare-and-set writes this replica lost to another writer (each was re-read and retried). */
  get conflicts(): number {
    return this.#conflicts;
  }

  /** Binds the consumers, heals unpublished outboxes, starts the outbox sweeper. */
  async start(): Promise<void> {
    const buckets = await openSagaBuckets(this.nc);
    this.#store = new SagaStore(buckets, (this.nc.info?.max_payload ?? 1_048_576) - RECORD_HEADROOM_BYTES);
    await this.#healOutboxes();
    this.#stops = await consumeInputs(this);
    if (this.#clearPublished) this.#sweeper = setInterval(() => void this.#sweep(), SWEEP_INTERVAL_MS);
  }

  /** Stops consuming, finishes the steps in flight, clears what it published. */
  async stop(): Promise<void> {
    await Promise.all(this.#stops.map((s) => s()));
    while (this.#busy.size > 0 || this.#mailboxes.size > 0) await new Promise((r) => setTimeout(r, 10));
    clearInterval(this.#sweeper);
    await this.#idle;
  }

  /** Queues an input for its workflow; several waiting inputs are folded into one step. */
  enqueue(id: string, input: SagaInput, done: (err?: Error) => void): void {
    const box = this.#mailboxes.get(id);
    if (box) {
      box.push({ input, done });
      return;
    }
    this.#mailboxes.set(id, [{ input, done }]);
    if (!this.#busy.has(id)) void this.#drain(id);
  }

  async #drain(id: string): Promise<void> {
    this.#busy.add(id);
    try {
      for (let batch = this.#take(id); batch; batch = this.#take(id)) {
        try {
          await this.#step(
            id,
            batch.map((w) => w.input),
          );
          for (const w of batch) w.done();
        } catch (err) {
          this.log(`step ${id} failed: ${ensureError(err).message}`);
          for (const w of batch) w.done(err as Error);
        }
      }
    } finally {
      this.#busy.delete(id);
    }
  }

  #take(id: string): Waiting[] | undefined {
    const box = this.#mailboxes.get(id);
    this.#mailboxes.delete(id);
    return box;
  }

  async #step(id: string, inputs: SagaInput[]): Promise<void> {
    const store = this.#store as SagaStore;
    // A start of an unknown id goes straight to kv.create (a repeated start loses that race
    // and is re-read below): one request less per workflow than reading first.
    const startsOnly = inputs.every((i) => i.kind === "start");
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      let current = attempt > 0 ? await store.read(id) : startsOnly ? store.cachedVersion(id) : await store.load(id);
      let next = this.#fold(id, current, inputs);
      // "Nothing to do" is only trustworthy against the latest record, not a cached copy.
      if (!next && (current === undefined || current.cached)) {
        current = await store.read(id);
        next = this.#fold(id, current, inputs);
      }
      try {
        await this.#commit(id, current, next);
        return;
      } catch (err) {
        if (!(err instanceof RevisionConflict)) throw err;
        this.#conflicts += 1;
      }
    }
    throw new RevisionConflict(id);
  }

  /** Applies inputs in order; returns the new record, or undefined when nothing changed. */
  #fold(id: string, current: Versioned | undefined, inputs: SagaInput[]): SagaRecord | undefined {
    const store = this.#store as SagaStore;
    let rec = current?.rec;
    // An outbox this replica published is dropped; any other may or may not have gone out.
    if (rec && current && rec.outbox.length > 0) {
      rec = { ...rec, outbox: store.isPublished(id, current.revision) ? [] : markRepublished(rec.outbox) };
    }
    const folded = foldInputs(this.registry, rec, inputs);
    for (const orphan of folded.orphans) this.log(`${orphan.kind} input for unknown workflow ${id} dropped`);
    return folded.record;
  }

  async #commit(id: string, current: Versioned | undefined, next: SagaRecord | undefined): Promise<void> {
    const store = this.#store as SagaStore;
    if (!next) {
      // Nothing new; heal an outbox another replica may have written but not published, and
      // finish moving an ended record out of `sagas`.
      if (current && outboxToHeal(current.rec, this.now()) && !store.isPublished(id, current.revision))
        await this.#publish(current, true);
      if (current) await store.retire(current);
      return;
    }
    const span = startSpan("coordinator.step", next.trace, { "workflow.id": id, "workflow.status": next.status });
    try {
      const written = await this.#write(next, current);
      this.#afterWrite?.(written.rec);
      await this.#publish(written);
      await store.retire(written);
    } finally {
      span.end();
    }
  }

  /** Writes `next`; a record too large to store is replaced by its failure (RECORD_TOO_LARGE). */
  async #write(next: SagaRecord, current: Versioned | undefined): Promise<Versioned> {
    const store = this.#store as SagaStore;
    await this.#beforeWrite?.(next);
    // A retired record lives in `ended`: its next run (a reset) is a new key in `sagas`.
    const revision = current?.retired ? undefined : current?.revision;
    const revives = current?.retired === true;
    try {
      return { rec: next, revision: await store.write(next, revision, revives) };
    } catch (err) {
      if (!(err instanceof RecordTooLarge)) throw err;
      this.log(err.message);
      const failed = oversizedFailure(next, this.now(), err.bytes, err.limit);
      return { rec: failed, revision: await store.write(failed, revision, revives) };
    }
  }

  async #publish(v: Versioned, republished = false): Promise<void> {
    const rec = republished ? { ...v.rec, outbox: markRepublished(v.rec.outbox) } : v.rec;
    await publishAll(this.nc, this.js, outboxMessages(rec));
    (this.#store as SagaStore).markPublished(v.rec.id, v.revision, this.now());
  }

  /**
   * Re-publishes every outbox left in `sagas` (a replica died between write and publish) and
   * moves out ended records a replica did not: reads what is running, not everything ever run.
   */
  async #healOutboxes(): Promise<void> {
    const store = this.#store as SagaStore;
    const ids = await store.keys();
    for (let i = 0; i < ids.length; i += 64) {
      await Promise.all(
        ids.slice(i, i + 64).map(async (id) => {
          const v = await store.read(id);
          if (v && outboxToHeal(v.rec, this.now())) await this.#publish(v, true);
          if (v) await store.retire(v);
        }),
      );
    }
  }

  async #sweep(): Promise<void> {
    if (this.#sweeping) return;
    this.#sweeping = true;
    const store = this.#store as SagaStore;
    this.#idle = store
      .sweep(this.now(), (id) => this.#busy.has(id) || this.#mailboxes.has(id))
      .then(
        () => undefined,
        (err) => this.log(`outbox sweep: ${ensureError(err).message}`),
      )
      .finally(() => {
        this.#sweeping = false;
      });
    await this.#idle;
  }

  /** Reads a record (for reset, which needs the current run). */
  async record(id: string): Promise<SagaRecord | undefined> {
    return (await (this.#store as SagaStore).read(id))?.rec;
  }

  /** The cached record of `id`, if this replica has one. */
  cached(id: string): SagaRecord | undefined {
    return (this.#store as SagaStore).cached(id);
  }
}
