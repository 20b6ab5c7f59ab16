/**
 * One delivery of a task while it runs on this host: its heartbeats (working(), so the
 * server does not redeliver it), the report that it started (the coordinator's start-to-close
 * clock), its abort signal, and the check that it still owns the task after a freeze.
 */
import type { JsMsg } from "@nats-io/jetstream";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import type { TaskMessage } from "../../protocol/task.ts";
import { Header } from "../../protocol/subjects.ts";
import { headerValue, storedAtMs } from "./connect.ts";
import { isFresh, type Delivery, type TaskFence } from "./task-fence.ts";

/** A fresh task reports its start after this long (a task done by then needs no report). */
const STARTED_DEFER_MS = 1_000;

/** What a run needs from its host. */
export interface RunPorts {
  fence: TaskFence;
  /** The consumer's ack wait: a heartbeat gap longer than most of it may have let the server redeliver. */
  ackWaitMs: number;
  heartbeatMs: number;
  /** Publishes the start report (retried by the caller's publisher; a copy is deduplicated). */
  reportStart(task: TaskMessage, d: Delivery, at: number): Promise<void>;
  log(line: string): void;
}

/** The delivery of a JetStream message, as the fence sees it. */
export function deliveryOf(msg: JsMsg, task: TaskMessage, now: number): Delivery {
  const d = {
    seq: msg.seq,
    delivery: msg.info.deliveryCount,
    republished: headerValue(msg.headers, Header.Republished) !== undefined,
    storedAt: storedAtMs(msg),
  };
  return { ...d, fresh: isFresh(task, d, now) };
}

/** One running delivery. */
export class TaskRun {
  readonly task: TaskMessage;
  readonly delivery: Delivery;
  readonly abort = new AbortController();
  /** When this host started the delivery (epoch ms). */
  readonly startedAt = Date.now();
  readonly #ports: RunPorts;
  #lastBeat = Date.now();
  #frozen = false;
  #heartbeat?: NodeJS.Timeout;
  #startReport?: NodeJS.Timeout;

  constructor(task: TaskMessage, delivery: Delivery, ports: RunPorts) {
    this.task = task;
    this.delivery = delivery;
    this.#ports = ports;
  }

  /** Starts heartbeats on `msg` and schedules the start report. */
  begin(msg: JsMsg): void {
    this.#heartbeat = setInterval(() => this.#beat(msg), this.#ports.heartbeatMs);
    this.#startReport = setTimeout(() => void this.#reportStart(), this.delivery.fresh ? STARTED_DEFER_MS : 0);
  }

  /** Stops heartbeats and a start report not yet sent. */
  end(): void {
    clearInterval(this.#heartbeat);
    clearTimeout(this.#startReport);
  }

  /** Throws SUPERSEDED when, after a freeze, another delivery or attempt owns the task. */
  async assertCurrent(): Promise<void> {
    if (!this.#mayBeSuperseded()) return;
    if (await this.#ports.fence.stillCurrent(this.task, this.delivery)) return;
    const t = this.task;
    throw new TerminalError(
      ErrorCode.Superseded,
      `${t.workflow_id}/${t.task_id} attempt ${t.attempt} delivery ${this.delivery.delivery} was taken over`,
    );
  }

  #mayBeSuperseded(): boolean {
    if (Date.now() - this.#lastBeat > this.#ports.ackWaitMs * 0.9) this.#frozen = true;
    return this.#frozen;
  }

  #beat(msg: JsMsg): void {
    this.#mayBeSuperseded();
    this.#lastBeat = Date.now();
    msg.working();
  }

  async #reportStart(): Promise<void> {
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        return await this.#ports.reportStart(this.task, this.delivery, this.startedAt);
      } catch (err) {
        this.#ports.log(`start report of ${this.task.task_id} failed (try ${attempt}): ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
  }
}
