/**
 * The patchbay client: what the CLI, the bench, the gateway and tests use to start, follow
 * and steer workflows, see the pools of actor processes and handle dead letters. It publishes
 * only to the public subjects (starts, signals — a dead letter's replay is one of them —
 * and presence pings), reads the `sagas` and `ended` buckets and the HISTORY/DLQ streams, and
 * deletes dead letters; it never writes saga state.
 */
import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import { jetstream, type JetStreamClient } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import type { ZodType } from "zod";
import { nuid } from "@nats-io/nuid";
import { decodeRaw, encode, parseOrThrow } from "../../protocol/codec.ts";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import { TERMINAL, type SagaRecord, type SagaStatus } from "../../protocol/saga.ts";
import { BUILTIN_ROLES, type Role } from "../../protocol/roles.ts";
import { Bucket, Consumer, Header, ID_PATTERN, Stream, Subject, lastToken } from "../../protocol/subjects.ts";
import { signalMessage, startMessage } from "../../protocol/workflow.ts";
import { openArtifacts, reportName, transcriptName } from "../nats/artifacts.ts";
import { readHistory, type HistoryEntry } from "../nats/history.ts";
import { publishAll } from "../nats/publish.ts";
import { bucketKeys } from "../nats/stream-read.ts";
import { endedPage } from "./listing.ts";
import {
  discardDlq,
  dlqEntries,
  dlqMessage,
  replayDlq,
  type DlqEntry,
  type DlqMessage,
  type DlqReplay,
} from "./dlq.ts";
import { livePresence, poolsOf, type PoolView } from "./pools.ts";
import type { Presence } from "../../protocol/presence.ts";

/** Filters of {@link PatchbayClient.list}. */
export interface ListFilter {
  type?: string;
  status?: SagaStatus;
  /** Records per page (default 100). */
  limit?: number;
  /** The cursor of a previous page (`next`): ended records from before it. */
  before?: number;
  /** Only workflows created at or after this instant (epoch ms). */
  since?: number;
  /** Only workflows created before this instant (epoch ms). */
  until?: number;
  /** Only workflows whose id contains this text. */
  idContains?: string;
}

/**
 * Ended records one filtered page reads at most before it returns what it found with the
 * cursor of the next page: a filter that matches little (or nothing) costs a bounded read, not
 * a scan of every workflow ever run.
 */
export const SEARCH_READ_LIMIT = 20_000;

/** The backlog of one role's pool. */
export interface QueueDepth {
  /** Tasks waiting for an actor. */
  queued: number;
  /** Tasks an actor holds (running, or just taken). */
  running: number;
}

/** One page of workflows: the running ones first (on the first page), then ended ones, newest first. */
export interface WorkflowPage {
  workflows: SagaRecord[];
  /** The cursor of the next page, if there may be more. */
  next?: number;
}

/** Client of a patchbay deployment over one NATS connection. */
export class PatchbayClient {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly #inputs: Readonly<Record<string, ZodType>> | undefined;
  #kv?: KV;
  #ended?: KV;
  #logSub?: Subscription;
  readonly #waiters = new Map<string, Array<() => void>>();

  /**
   * `inputs` (workflow type → input schema, e.g. `WorkflowInputs`) enables validation before
   * publishing; a type it does not list is refused.
   */
  constructor(nc: NatsConnection, inputs?: Readonly<Record<string, ZodType>>) {
    this.nc = nc;
    this.js = jetstream(nc);
    this.#inputs = inputs;
  }

  async #bucket(): Promise<KV> {
    this.#kv ??= await new Kvm(this.nc).open(Bucket.Sagas);
    return this.#kv;
  }

  async #endedBucket(): Promise<KV> {
    this.#ended ??= await new Kvm(this.nc).open(Bucket.Ended);
    return this.#ended;
  }

  /** Checks `input` against the type's schema; throws INVALID_INPUT naming the field. */
  validate(type: string, input: unknown): unknown {
    if (!this.#inputs) return input;
    const schema = this.#inputs[type];
    if (!schema)
      throw new TerminalError(
        ErrorCode.UnknownWorkflowType,
        `unknown workflow type '${type}' (known: ${Object.keys(this.#inputs).join(", ")})`,
      );
    return parseOrThrow(input, schema, ErrorCode.InvalidInput);
  }

  /** Starts a workflow (once per id) and returns its id. An existing id is not started again. */
  async start(type: string, input: unknown, opts: { id?: string; traceparent?: string } = {}): Promise<string> {
    if (!ID_PATTERN.test(type))
      throw new TerminalError(ErrorCode.InvalidInput, `type: must be letters, digits, '-' or '_'`);
    this.validate(type, input);
    const id = opts.id ?? `${type}-${nuid.next()}`;
    if (!ID_PATTERN.test(id))
      throw new TerminalError(ErrorCode.InvalidInput, `id: must be letters, digits, '-' or '_' (1-128)`);
    const start = startMessage(type, id, input);
    await publishAll(this.nc, this.js, [
      { ...start, headers: opts.traceparent ? { [Header.TraceParent]: opts.traceparent } : {} },
    ]);
    return id;
  }

  /**
   * Starts a workflow under `id` unless one with that id exists or its start is still within
   * the duplicate window; resolves whether this call started it.
   */
  async startNew(type: string, input: unknown, id: string): Promise<boolean> {
    if ((await this.status(id)) !== undefined) return false;
    if (!ID_PATTERN.test(type) || !ID_PATTERN.test(id))
      throw new TerminalError(ErrorCode.InvalidInput, `type and id: must be letters, digits, '-' or '_' (1-128)`);
    this.validate(type, input);
    const start = startMessage(type, id, input);
    const ack = await this.js.publish(start.subject, encode(start.payload), { msgID: id });
    return !ack.duplicate;
  }

  /** The saga record of `id`, or undefined. */
  async status(id: string): Promise<SagaRecord | undefined> {
    return (await recordIn(await this.#bucket(), id)) ?? (await recordIn(await this.#endedBucket(), id));
  }

  /** Resolves with the record once the workflow (run `minRun` or later) has ended; rejects with WAIT_TIMEOUT. */
  async wait(id: string, timeoutMs = 60_000, minRun = 1): Promise<SagaRecord> {
    this.#ensureLogSubscription();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const woke = new Promise<void>((resolve) => this.#addWaiter(id, resolve));
      const rec = await this.status(id);
      if (rec && rec.run >= minRun && TERMINAL.has(rec.status)) return rec;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new TerminalError(
          ErrorCode.WaitTimeout,
          `workflow ${id} still ${rec?.status ?? "not started"} after ${timeoutMs} ms`,
        );
      await Promise.race([woke, new Promise((r) => setTimeout(r, Math.min(left, 1_000)))]);
    }
  }

  #addWaiter(id: string, wake: () => void): void {
    const list = this.#waiters.get(id) ?? [];
    list.push(wake);
    this.#waiters.set(id, list);
  }

  #ensureLogSubscription(): void {
    if (this.#logSub) return;
    this.#logSub = this.nc.subscribe(Subject.allLogs, {
      callback: (_err, msg) => {
        const id = lastToken(msg.subject);
        const list = this.#waiters.get(id);
        if (!list) return;
        this.#waiters.delete(id);
        for (const wake of list) wake();
      },
    });
  }

  /** Sends a signal (`approve`, `reject`, `cancel`, `reset`, …). */
  async signal(id: string, name: string, payload?: unknown): Promise<void> {
    if (!(await this.status(id))) throw new TerminalError(ErrorCode.NotFound, `no workflow '${id}'`);
    await publishAll(this.nc, this.js, [signalMessage(id, name, payload)]);
  }

  /** Asks the coordinator to replay the first `event` history entries as a new run. */
  async reset(id: string, event: number): Promise<void> {
    const history = await this.history(id);
    if (event < 1 || event > history.length) {
      throw new TerminalError(
        ErrorCode.ResetInvalid,
        `event ${event} is outside the history of ${id} (1..${history.length})`,
      );
    }
    await this.signal(id, "reset", { event });
  }

  /** The workflow's history, numbered from 1. */
  async history(id: string): Promise<HistoryEntry[]> {
    return await readHistory(this.js, id);
  }

  /** The transcript a task of the workflow's `run` kept (a model-driven task), or undefined. */
  async transcript(id: string, run: number, taskId: string): Promise<string | undefined> {
    return (await openArtifacts(this.nc)).get(transcriptName(id, run, taskId));
  }

  /** The analysis report of the workflow's `run` (code-migration), or undefined. */
  async analysisReport(id: string, run: number): Promise<string | undefined> {
    return (await openArtifacts(this.nc)).get(reportName(id, run));
  }

  /** The first page of {@link listPage} (running workflows first, then ended ones, newest first). */
  async list(filter: ListFilter = {}): Promise<SagaRecord[]> {
    return (await this.listPage(filter)).workflows;
  }

  /** One page of workflows matching the filter: reads what is running plus about one page of ended ones. */
  async listPage(filter: ListFilter = {}): Promise<WorkflowPage> {
    const limit = filter.limit ?? 100;
    const match = listMatcher(filter);
    const wantsRunning = filter.before === undefined && (!filter.status || !TERMINAL.has(filter.status));
    const running = wantsRunning
      ? (await this.running()).filter(match).sort((a, b) => b.created_at - a.created_at)
      : [];
    if (running.length >= limit || (filter.status && !TERMINAL.has(filter.status)))
      return { workflows: running.slice(0, limit) };
    const since = filter.since;
    const ended = await endedPage(this.js, limit - running.length, match, filter.before, {
      // Records are stored in end order: once one ended before `since`, older ones were created before it too.
      ...(since === undefined ? {} : { stop: (rec: SagaRecord) => rec.updated_at < since - CLOCK_SKEW_MS }),
      ...(filter.idContains || filter.type || filter.status || filter.until !== undefined
        ? { maxRead: SEARCH_READ_LIMIT }
        : {}),
    });
    return { workflows: [...running, ...ended.records], ...(ended.next === undefined ? {} : { next: ended.next }) };
  }

  /** Every record in `sagas`: the running workflows (and, for a moment, one that just ended). */
  async running(): Promise<SagaRecord[]> {
    const kv = await this.#bucket();
    const keys = await bucketKeys(await this.js.jetstreamManager(), Bucket.Sagas);
    const recs = await Promise.all(keys.map((key) => recordIn(kv, key)));
    return recs.filter((r): r is SagaRecord => r !== undefined);
  }

  /** The backlog of each role's pool (its consumer's pending and ack-pending counts). */
  async queues(roles: readonly Role[] = BUILTIN_ROLES): Promise<Record<string, QueueDepth>> {
    const jsm = await this.js.jetstreamManager();
    const entries = await Promise.all(
      roles.map(async (role) => {
        const info = await jsm.consumers.info(Stream.Tasks, Consumer.actor(role)).catch(() => undefined);
        return info ? [[role, { queued: info.num_pending, running: info.num_ack_pending }] as const] : [];
      }),
    );
    return Object.fromEntries(entries.flat());
  }

  /** The live actor processes: every one that answers a presence ping within `timeoutMs`. */
  async processes(timeoutMs = 300): Promise<Presence[]> {
    return await livePresence(this.nc, timeoutMs);
  }

  /** Each role's pool (whose consumer exists): its queue counts and its live processes (a ping of `timeoutMs`). */
  async pools(roles: readonly Role[] = BUILTIN_ROLES, timeoutMs = 300): Promise<Record<string, PoolView>> {
    const [jsm, processes] = await Promise.all([this.js.jetstreamManager(), this.processes(timeoutMs)]);
    return await poolsOf(jsm, roles, processes);
  }

  /** The most recent dead-lettered messages (up to `limit`), oldest first. */
  async dlq(limit = 100): Promise<DlqEntry[]> {
    return await dlqEntries(this.js, limit);
  }

  /** The dead letter at DLQ sequence `seq` with its headers and a readable payload, or undefined. */
  async dlqMessage(seq: number): Promise<DlqMessage | undefined> {
    return await dlqMessage(await this.js.jetstreamManager(), seq);
  }

  /**
   * Sends the dead letter at `seq` again to its original subject (a start or a signal) under a
   * new msg-id, then deletes it; NOT_FOUND when there is none, DLQ_NOT_REPLAYABLE otherwise refused.
   */
  async replayDlq(seq: number): Promise<DlqReplay> {
    return await replayDlq(this.js, seq);
  }

  /** Deletes the dead letter at `seq`; NOT_FOUND when there is none. */
  async discardDlq(seq: number): Promise<void> {
    await discardDlq(await this.js.jetstreamManager(), seq);
  }

  /** Stops following logs (the connection stays open). */
  close(): void {
    this.#logSub?.unsubscribe();
    this.#logSub = undefined;
  }
}

/** How far apart two coordinators' clocks may be when a time filter stops a scan. */
const CLOCK_SKEW_MS = 60_000;

/** Whether a record passes a list filter (its cursor aside). */
function listMatcher(filter: ListFilter): (rec: SagaRecord) => boolean {
  return (rec) =>
    (!filter.type || rec.type === filter.type) &&
    (!filter.status || rec.status === filter.status) &&
    (filter.since === undefined || rec.created_at >= filter.since) &&
    (filter.until === undefined || rec.created_at < filter.until) &&
    (!filter.idContains || rec.id.includes(filter.idContains));
}

/** The record `kv` holds under `id`, if any. */
async function recordIn(kv: KV, id: string): Promise<SagaRecord | undefined> {
  const entry = await kv.get(id);
  if (!entry || entry.operation !== "PUT" || entry.value.length === 0) return undefined;
  return decodeRaw(entry.value) as SagaRecord;
}
