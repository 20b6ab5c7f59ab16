/**
 * The fence of task deliveries (docs/reliability.md): decides whether one delivery of a task
 * may run, and whether it still owns the task after its process was frozen.
 *
 * A task message is checked against the saga record unless it is fresh (first delivery of
 * attempt 1, not re-published, queued under a second): an attempt that was superseded, of a
 * run that ended or was reset, whose workflow ended, that a copy of it already started, or
 * whose schedule-to-start deadline passed, is dropped without running. A checked delivery
 * also claims the attempt in the `claims` bucket with a compare-and-set, so that of two copies
 * of one attempt (an outbox re-published after the duplicate window) only one runs, while a
 * redelivery of the same message (its runner died or froze) takes over.
 */
import type { KV } from "@nats-io/kv";
import { decodeRaw, encode } from "../../protocol/codec.ts";
import { ErrorCode, type ErrorInfo } from "../../protocol/errors.ts";
import { TERMINAL, type SagaRecord } from "../../protocol/saga.ts";
import type { TaskMessage } from "../../protocol/task.ts";
import { isWrongLastSequence } from "./js-errors.ts";

/** A queued task is fresh for this long: nothing can have superseded it yet but a cancel. */
const FRESH_MS = 1_000;

/** Where one delivery of a task came from. */
export interface Delivery {
  /** TASKS stream sequence of the message. */
  seq: number;
  /** JetStream delivery count. */
  delivery: number;
  /** Whether the coordinator published it again, not knowing whether it went out before. */
  republished: boolean;
  /** Epoch ms when the message was stored. */
  storedAt: number;
  /** Whether it needs no check (see {@link isFresh}), decided once when it arrives. */
  fresh: boolean;
}

/** The fence's verdict on a delivery. */
export type Admission =
  | { run: true }
  /** Dropped without running; `report` is the failure to tell the workflow, when it waits for this task. */
  | { run: false; reason: string; report?: ErrorInfo };

interface Claim {
  seq: number;
  delivery: number;
}

/** Whether a delivery needs no check: the first delivery of attempt 1, published once, queued briefly. */
export function isFresh(task: TaskMessage, d: Omit<Delivery, "fresh">, now: number): boolean {
  return d.delivery === 1 && task.attempt === 1 && !d.republished && now - d.storedAt < FRESH_MS;
}

/** The fence over the `sagas` (read) and `claims` buckets. */
export class TaskFence {
  readonly #sagas: KV;
  readonly #claims: KV;

  constructor(sagas: KV, claims: KV) {
    this.#sagas = sagas;
    this.#claims = claims;
  }

  /** Whether this delivery may run (see the module comment). */
  async admit(task: TaskMessage, d: Delivery, now: number): Promise<Admission> {
    const verdict = await this.#againstRecord(task, d, now);
    if (!verdict.run) return verdict;
    return (await this.#claim(task, d)) ? verdict : { run: false, reason: "another delivery of this attempt holds it" };
  }

  /** After a freeze: whether no newer delivery, no copy and no newer attempt has taken this task over. */
  async stillCurrent(task: TaskMessage, d: Delivery): Promise<boolean> {
    const verdict = await this.#againstRecord(task, d);
    if (!verdict.run) return false;
    const claim = await this.#claims.get(claimKey(task));
    if (!claim || claim.operation !== "PUT") return true;
    const held = decodeRaw(claim.value) as Claim;
    return held.seq === d.seq && held.delivery <= d.delivery;
  }

  /** The record's view; `now` also checks the schedule-to-start deadline (not once running). */
  async #againstRecord(task: TaskMessage, d: Delivery, now?: number): Promise<Admission> {
    const rec = await this.#record(task.workflow_id);
    if (!rec || rec.run !== task.run || TERMINAL.has(rec.status))
      return { run: false, reason: "its workflow run has ended" };
    const pending = rec.pending[task.task_id];
    if (!pending || pending.attempt !== task.attempt) return { run: false, reason: "a newer attempt replaced it" };
    if (pending.abandoned && !pending.started) {
      return {
        run: false,
        reason: "its workflow is compensating",
        report: { code: ErrorCode.Cancelled, message: "not started: the workflow is compensating" },
      };
    }
    if (pending.started && (pending.started.seq !== d.seq || pending.started.delivery > d.delivery)) {
      return { run: false, reason: `delivery ${pending.started.delivery} of message ${pending.started.seq} runs it` };
    }
    if (now !== undefined && task.deadline < now && !pending.started)
      return { run: false, reason: "its schedule-to-start deadline passed" };
    return { run: true };
  }

  async #record(id: string): Promise<Pick<SagaRecord, "run" | "status" | "pending"> | undefined> {
    const entry = await this.#sagas.get(id);
    if (!entry || entry.operation !== "PUT" || entry.value.length === 0) return undefined;
    return decodeRaw(entry.value) as SagaRecord;
  }

  /** Claims the attempt for this delivery: a first claim, or a redelivery of the claimed message. */
  async #claim(task: TaskMessage, d: Delivery): Promise<boolean> {
    const key = claimKey(task);
    const mine: Claim = { seq: d.seq, delivery: d.delivery };
    try {
      await this.#claims.create(key, encode(mine));
      return true;
    } catch (err) {
      if (!isWrongLastSequence(err)) throw err;
    }
    const entry = await this.#claims.get(key);
    if (!entry) return false;
    const held = decodeRaw(entry.value) as Claim;
    if (held.seq !== d.seq || held.delivery >= d.delivery) return false;
    try {
      await this.#claims.update(key, encode(mine), entry.revision);
      return true;
    } catch (err) {
      if (isWrongLastSequence(err)) return false;
      throw err;
    }
  }
}

/** The claim key of a task attempt (KV keys allow letters, digits, `-`, `_`, `=` and `.`). */
function claimKey(task: TaskMessage): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, (c) => `=${c.charCodeAt(0).toString(16)}`);
  return `${safe(task.workflow_id)}.${task.run}.${safe(task.task_id)}.${task.attempt}`;
}
