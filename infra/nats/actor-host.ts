/**
 * The actor host (docs/architecture.md, "Actors"; docs/reliability.md): binds a role's task
 * contracts to the role's durable pull consumer.
 * - It pulls only what it can start (a fetch for its free slots), so no task waits unseen in
 *   its buffer while its ack wait runs out.
 * - Each delivery passes the fence (task-fence.ts) before it runs: superseded attempts, copies,
 *   tasks of ended or cancelled runs and tasks past their schedule-to-start are dropped.
 * - It reports a task's start (task-run.ts), parses the input by the contract before the
 *   handler and validates the output before reporting it (INVALID_OUTPUT names the field).
 * - It sends working() while a task runs, acks only after the result is published, naks with
 *   backoff on retryable errors, terms and reports `task.failed` on terminal errors or the last
 *   delivery, dead-letters undecodable tasks, aborts tasks of cancelled runs and superseded
 *   attempts, reports nothing from a delivery that was taken over, and drains on request.
 * - It says it is there (presence.ts): its tasks in flight every few seconds, at once to a
 *   ping, and when it drains and is gone.
 */
import { hostname } from "node:os";
import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import { jetstream, type Consumer, type ConsumerMessages, type JetStreamClient, type JsMsg } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { decode, decodeRaw } from "../../protocol/codec.ts";
import { ErrorCode, TerminalError, ensureError, type ErrorInfo, type PatchbayError } from "../../protocol/errors.ts";
import { taskResultMessage, taskStartedMessage } from "../../protocol/event.ts";
import type { Role } from "../../protocol/roles.ts";
import { CancelMessage, TaskMessage, idempotencyKeyOf } from "../../protocol/task.ts";
import { Bucket, Consumer as ConsumerName, Header, Stream, Subject, lastToken } from "../../protocol/subjects.ts";
import { backoffMs } from "./backoff.ts";
import { headerValue } from "./connect.ts";
import { deadLetter } from "./dlq.ts";
import { isConsumerNotFound } from "./js-errors.ts";
import { PresenceBeacon, tasksInFlight } from "./presence.ts";
import { publishAll } from "./publish.ts";
import { bindingsByKind, runBinding, type TaskBinding } from "./task-binding.ts";
import { TaskFence, type Admission, type Delivery } from "./task-fence.ts";
import { TaskRun, deliveryOf } from "./task-run.ts";
import { inSpan } from "../telemetry/tracing.ts";

export { implement, runBinding } from "./task-binding.ts";
export type { TaskBinding, TaskContext, TaskHandler } from "./task-binding.ts";

/** Options of {@link ActorHost}. */
export interface ActorHostOptions {
  nc: NatsConnection;
  role: Role;
  /** One binding per task kind this process serves, all of contracts of `role`. */
  handlers: readonly TaskBinding[];
  /** Tasks this process runs at once (default 4). */
  concurrency?: number;
  /** Interval of working() heartbeats (default a third of the consumer's ack wait). */
  heartbeatMs?: number;
  /** How long drain waits for tasks in flight before releasing them (default 20 s). */
  drainGraceMs?: number;
  /** `<host>:<pid>` in start reports and presence (default `local:<pid>`). */
  runner?: string;
  /** Interval of presence heartbeats (default PRESENCE_INTERVAL_MS, 5 s). */
  presenceIntervalMs?: number;
  log?: (line: string) => void;
}

/** How long one fetch waits for tasks before the host asks again. */
const FETCH_EXPIRES_MS = 5_000;
/** Runs cancelled recently, remembered so their queued tasks are dropped without a check. */
const CANCEL_MEMORY = 10_000;

/** Serves one role from its pool-wide consumer. */
export class ActorHost {
  readonly #opts: ActorHostOptions;
  readonly #js: JetStreamClient;
  readonly #bindings: Map<string, TaskBinding>;
  readonly #running = new Map<JsMsg, TaskRun | undefined>();
  readonly #cancelledRuns = new Map<string, number>();
  #fence?: TaskFence;
  #batch?: ConsumerMessages;
  #cancels?: Subscription;
  #presence?: PresenceBeacon;
  #loop?: Promise<void>;
  #maxDeliver = -1;
  #ackWaitMs = 30_000;
  #heartbeatMs = 10_000;
  #draining = false;
  #slotFreed?: () => void;

  /** Refuses a concurrency below 1 and bindings of another role or of one kind twice (CONFIG_INVALID). */
  constructor(opts: ActorHostOptions) {
    const concurrency = opts.concurrency ?? 4;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new TerminalError(ErrorCode.ConfigInvalid, `concurrency must be an integer ≥ 1, got ${concurrency}`);
    }
    this.#opts = opts;
    this.#bindings = bindingsByKind(opts.role, opts.handlers);
    this.#js = jetstream(opts.nc);
  }

  /** The task kinds this host serves. */
  get kinds(): string[] {
    return [...this.#bindings.keys()];
  }

  /** Tasks currently held (running, or being admitted). */
  get inFlight(): number {
    return this.#running.size;
  }

  /** Binds the role's consumer, the fence's buckets and the cancel subject, and starts pulling. */
  async start(): Promise<void> {
    const consumer = await this.#consumer();
    const info = await consumer.info(true);
    this.#maxDeliver = info.config.max_deliver ?? -1;
    this.#ackWaitMs = Math.floor((info.config.ack_wait ?? 30e9) / 1e6);
    this.#heartbeatMs = this.#opts.heartbeatMs ?? Math.max(100, Math.floor(this.#ackWaitMs / 3));
    const kvm = new Kvm(this.#opts.nc);
    this.#fence = new TaskFence(await kvm.open(Bucket.Sagas), await kvm.open(Bucket.Claims));
    this.#cancels = this.#opts.nc.subscribe(Subject.allCancels, {
      callback: (_e, m) => this.#onCancel(lastToken(m.subject), m.data),
    });
    this.#loop = this.#pull(consumer);
    this.#presence = this.#beacon();
    this.#presence.start();
  }

  #beacon(): PresenceBeacon {
    const { nc, role, presenceIntervalMs } = this.#opts;
    return new PresenceBeacon({
      nc,
      identity: {
        role,
        runner: this.#runner,
        pid: process.pid,
        host: hostname(),
        started_at: Date.now(),
        concurrency: this.#concurrency,
      },
      inFlight: () => tasksInFlight(this.#running.values()),
      ...(presenceIntervalMs === undefined ? {} : { intervalMs: presenceIntervalMs }),
    });
  }

  get #runner(): string {
    return this.#opts.runner ?? `local:${process.pid}`;
  }

  async #consumer(): Promise<Consumer> {
    const { role } = this.#opts;
    return await this.#js.consumers.get(Stream.Tasks, ConsumerName.actor(role)).catch((err: unknown) => {
      if (!isConsumerNotFound(err)) throw err;
      throw new TerminalError(
        ErrorCode.NotFound,
        `no task consumer ${ConsumerName.actor(role)} for role '${role}': provision the role (a coordinator whose workflows dispatch to it, or a process of the role in create mode)`,
      );
    });
  }

  /**
   * Stops pulling, lets tasks in flight finish (up to the grace), releases (naks) the ones it
   * holds but has not finished.
   */
  async drain(): Promise<void> {
    this.#draining = true;
    this.#presence?.draining();
    this.#slotFreed?.();
    await this.#batch?.close();
    await this.#loop;
    const deadline = Date.now() + (this.#opts.drainGraceMs ?? 20_000);
    while (this.#running.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const [msg, run] of this.#running) {
      run?.abort.abort(new TerminalError(ErrorCode.Cancelled, "actor draining"));
      msg.nak();
    }
    this.#cancels?.unsubscribe();
    await this.#presence?.stop();
  }

  get #concurrency(): number {
    return this.#opts.concurrency ?? 4;
  }

  /** Fetches as many tasks as there are free slots, starts each as it arrives, and repeats. */
  async #pull(consumer: Consumer): Promise<void> {
    while (!this.#draining) {
      const free = this.#concurrency - this.#running.size;
      if (free <= 0) {
        await new Promise<void>((r) => (this.#slotFreed = r));
        continue;
      }
      try {
        this.#batch = await consumer.fetch({ max_messages: free, expires: FETCH_EXPIRES_MS });
        for await (const msg of this.#batch) {
          if (this.#draining) msg.nak();
          else this.#hold(msg);
        }
      } catch (err) {
        if (this.#draining) return;
        this.#log(`fetch failed: ${ensureError(err).message}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  #hold(msg: JsMsg): void {
    this.#running.set(msg, undefined);
    void this.#deliver(msg).finally(() => {
      this.#running.delete(msg);
      this.#slotFreed?.();
    });
  }

  #onCancel(workflowId: string, data: Uint8Array): void {
    const parsed = CancelMessage.safeParse(safeRaw(data));
    if (!parsed.success) return;
    const cancel = parsed.data;
    if (cancel.task_id === undefined) this.#rememberCancel(workflowId, cancel.run);
    for (const run of this.#running.values()) {
      if (!run || run.task.workflow_id !== workflowId) continue;
      if (cancel.task_id === undefined ? !runCancelHits(run.task, cancel.run) : !attemptCancelHits(run.task, cancel))
        continue;
      const why =
        cancel.task_id === undefined ? `workflow ${workflowId} cancelled` : `attempt ${run.task.attempt} superseded`;
      run.abort.abort(new TerminalError(ErrorCode.Cancelled, why));
    }
  }

  #rememberCancel(workflowId: string, run: number): void {
    this.#cancelledRuns.delete(workflowId);
    this.#cancelledRuns.set(workflowId, run);
    if (this.#cancelledRuns.size > CANCEL_MEMORY)
      this.#cancelledRuns.delete(this.#cancelledRuns.keys().next().value as string);
  }

  /** Decodes a delivery, passes it through the fence, and runs it. */
  async #deliver(msg: JsMsg): Promise<void> {
    let task: TaskMessage;
    try {
      task = decode(msg.data, TaskMessage);
    } catch (err) {
      await this.#poison(msg, ensureError(err));
      return;
    }
    const delivery = deliveryOf(msg, task, Date.now());
    const admission = await this.#admit(task, delivery).catch((err: unknown) => ({ error: ensureError(err) }));
    if ("error" in admission) {
      this.#log(`cannot check ${task.workflow_id}/${task.task_id}: ${admission.error.message}`);
      msg.nak(backoffMs(delivery.delivery));
      return;
    }
    if (!admission.run) return await this.#drop(task, msg, admission.reason, admission.report);
    await this.#run(task, msg, delivery);
  }

  async #admit(task: TaskMessage, d: Delivery): Promise<Admission> {
    const cancelledRun = this.#cancelledRuns.get(task.workflow_id);
    if (cancelledRun !== undefined && runCancelHits(task, cancelledRun)) {
      return {
        run: false,
        reason: "its run was cancelled",
        report: { code: ErrorCode.Cancelled, message: "not started: the run was cancelled" },
      };
    }
    if (d.fresh) return { run: true };
    return await (this.#fence as TaskFence).admit(task, d, Date.now());
  }

  async #drop(task: TaskMessage, msg: JsMsg, reason: string, report?: ErrorInfo): Promise<void> {
    this.#log(
      `dropped ${task.workflow_id}/${task.task_id} attempt ${task.attempt} delivery ${msg.info.deliveryCount}: ${reason}`,
    );
    if (report) await this.#report(task, { error: report }, msg).catch(() => undefined);
    msg.term(); // no reason: nats-server 2.9 ignores "+TERM <reason>" and redelivers
  }

  async #run(task: TaskMessage, msg: JsMsg, delivery: Delivery): Promise<void> {
    const run = new TaskRun(task, delivery, {
      fence: this.#fence as TaskFence,
      ackWaitMs: this.#ackWaitMs,
      heartbeatMs: this.#heartbeatMs,
      reportStart: (t, d, at) => this.#reportStart(t, d, at, msg),
      log: (l) => this.#log(l),
    });
    this.#running.set(msg, run);
    run.begin(msg);
    try {
      const output = await inSpan(
        `task ${task.kind}`,
        headerValue(msg.headers, Header.TraceParent),
        {
          "workflow.id": task.workflow_id,
          "task.id": task.task_id,
          "task.kind": task.kind,
          "actor.role": this.#opts.role,
        },
        () => this.#handle(run, msg),
      );
      await run.assertCurrent();
      await this.#report(task, { output }, msg);
      msg.ack();
    } catch (err) {
      await this.#onError(run, msg, ensureError(err));
    } finally {
      run.end();
    }
  }

  async #handle(run: TaskRun, msg: JsMsg): Promise<unknown> {
    const { task } = run;
    const binding = this.#bindings.get(task.kind);
    if (!binding)
      throw new TerminalError(ErrorCode.UnknownTaskKind, `role ${this.#opts.role} has no handler for '${task.kind}'`);
    return await runBinding(binding, task.input, {
      task,
      delivery: msg.info.deliveryCount,
      signal: run.abort.signal,
      log: (l) => this.#log(l),
      idempotencyKey: idempotencyKeyOf(task),
      assertCurrent: () => run.assertCurrent(),
    });
  }

  async #onError(run: TaskRun, msg: JsMsg, err: PatchbayError): Promise<void> {
    const signal = run.abort.signal;
    if (signal.aborted && this.#draining) return; // released by drain()
    if (err.code === ErrorCode.Superseded) {
      this.#log(err.message); // the delivery that took over reports; this one stays silent
      return;
    }
    const last = this.#maxDeliver > 0 && msg.info.deliveryCount >= this.#maxDeliver;
    if (err.retryable && !last && !signal.aborted) {
      msg.nak(backoffMs(msg.info.deliveryCount));
      return;
    }
    const error = signal.aborted ? ensureError(signal.reason).toInfo() : err.toInfo();
    try {
      await this.#report(run.task, { error }, msg);
      msg.term(); // no reason: nats-server 2.9 ignores "+TERM <reason>" and redelivers
    } catch (publishErr) {
      this.#log(`cannot report failure of ${run.task.task_id}: ${ensureError(publishErr).message}`);
      msg.nak(backoffMs(msg.info.deliveryCount));
    }
  }

  async #reportStart(task: TaskMessage, d: Delivery, at: number, msg: JsMsg): Promise<void> {
    const by = { seq: d.seq, delivery: d.delivery, runner: this.#runner };
    const start = taskStartedMessage(task, by, at, traceOf(msg));
    await publishAll(this.#opts.nc, this.#js, [start]);
  }

  async #report(task: TaskMessage, result: { output: unknown } | { error: ErrorInfo }, msg: JsMsg): Promise<void> {
    await publishAll(this.#opts.nc, this.#js, [taskResultMessage(task, result, Date.now(), traceOf(msg))]);
  }

  /** An undecodable task: to the DLQ; if it names its workflow, that workflow learns it failed. */
  async #poison(msg: JsMsg, err: PatchbayError): Promise<void> {
    const raw = safeRaw(msg.data);
    await deadLetter(this.#js, msg, err.toInfo());
    const parsed = TaskMessage.pick({ task_id: true, workflow_id: true, run: true, attempt: true }).safeParse(raw);
    if (!parsed.success) return;
    const task = { ...parsed.data, kind: "", deadline: 0, input: undefined };
    await this.#report(
      task,
      { error: { code: ErrorCode.InvalidMessage, message: `task message rejected: ${err.message}` } },
      msg,
    );
  }

  #log(line: string): void {
    this.#opts.log?.(line);
  }
}

function safeRaw(data: Uint8Array): unknown {
  try {
    return decodeRaw(data);
  } catch {
    return undefined;
  }
}

/** Whether a cancel of run `run` stops `task`: a task of that run or an older one, not a compensation. */
function runCancelHits(task: TaskMessage, run: number): boolean {
  return task.run <= run && task.compensates === undefined;
}

/** Whether a cancel of one task's attempts (up to `cancel.attempt`) stops `task`. */
function attemptCancelHits(task: TaskMessage, cancel: CancelMessage): boolean {
  return task.run <= cancel.run && task.task_id === cancel.task_id && task.attempt <= (cancel.attempt ?? 0);
}

function traceOf(msg: JsMsg): Record<string, string> {
  const tp = headerValue(msg.headers, Header.TraceParent);
  return tp ? { [Header.TraceParent]: tp } : {};
}
