/**
 * The actor host (docs/architecture.md, "Actors"): binds a role's task contracts to the
 * role's durable pull consumer. It parses each task's input by its contract before the
 * handler runs and validates the handler's output before reporting it (INVALID_OUTPUT names
 * the field), limits its own tasks in flight, sends working() while a task runs, acks only
 * after the result event is published, naks with backoff on retryable errors, terms and
 * reports `task.failed` on terminal errors or the last delivery, dead-letters undecodable
 * tasks, aborts tasks of cancelled workflows, and drains on request.
 */
import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import { jetstream, type ConsumerMessages, type JetStreamClient, type JsMsg } from "@nats-io/jetstream";
import { decode, decodeRaw } from "../../protocol/codec.ts";
import {
  contractName,
  parseTaskInput,
  parseTaskOutput,
  type AnyTaskContract,
  type TaskParsedInput,
  type TaskResult,
} from "../../protocol/contract.ts";
import { ErrorCode, TerminalError, ensureError, type ErrorInfo, type PatchbayError } from "../../protocol/errors.ts";
import { taskResultMessage } from "../../protocol/event.ts";
import type { Role } from "../../protocol/roles.ts";
import { TaskMessage } from "../../protocol/task.ts";
import { Consumer, Header, Stream, Subject, lastToken } from "../../protocol/subjects.ts";
import { headerValue } from "./connect.ts";
import { deadLetter } from "./dlq.ts";
import { isConsumerNotFound } from "./js-errors.ts";
import { publishAll } from "./publish.ts";
import { inSpan } from "../telemetry/tracing.ts";

/** What a handler gets besides its input. */
export interface TaskContext {
  task: TaskMessage;
  /** 1 on first delivery of this attempt. */
  delivery: number;
  /** Aborted when the workflow is cancelled or the host stops for good. */
  signal: AbortSignal;
  log(line: string): void;
}

/** Role logic for one contract: gets the parsed input, returns the output or throws. */
export type TaskHandler<C extends AnyTaskContract = AnyTaskContract> = (
  input: TaskParsedInput<C>,
  ctx: TaskContext,
) => Promise<TaskResult<C>>;

/** A handler bound to its contract; build it with {@link implement}. */
export interface TaskBinding {
  readonly contract: AnyTaskContract;
  readonly handle: TaskHandler;
}

/** Binds `handler` to `contract`: the host parses its input and validates its output by it. */
export function implement<C extends AnyTaskContract>(contract: C, handler: TaskHandler<C>): TaskBinding {
  return { contract, handle: handler as TaskHandler };
}

/**
 * Runs a binding as the host does: the input parsed by the contract (INVALID_INPUT), the
 * handler, the output validated by the contract (INVALID_OUTPUT naming the field) and parsed.
 */
export async function runBinding(binding: TaskBinding, rawInput: unknown, ctx: TaskContext): Promise<unknown> {
  const output = await binding.handle(parseTaskInput(binding.contract, rawInput), ctx);
  return parseTaskOutput(binding.contract, output);
}

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
  log?: (line: string) => void;
}

/** Serves one role from its pool-wide consumer. */
export class ActorHost {
  readonly #opts: ActorHostOptions;
  readonly #js: JetStreamClient;
  readonly #running = new Map<JsMsg, { workflowId: string; abort: AbortController }>();
  #messages?: ConsumerMessages;
  #cancels?: Subscription;
  #loop?: Promise<void>;
  #maxDeliver = -1;
  #heartbeatMs = 10_000;
  #draining = false;
  #slotFreed?: () => void;

  readonly #bindings: Map<string, TaskBinding>;

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

  /** Tasks currently running. */
  get inFlight(): number {
    return this.#running.size;
  }

  /** Starts pulling tasks. */
  async start(): Promise<void> {
    const consumer = await this.#js.consumers
      .get(Stream.Tasks, Consumer.actor(this.#opts.role))
      .catch((err: unknown) => {
        if (!isConsumerNotFound(err)) throw err;
        throw new TerminalError(
          ErrorCode.NotFound,
          `no task consumer ${Consumer.actor(this.#opts.role)} for role '${this.#opts.role}': provision the role (a coordinator whose workflows dispatch to it, or a process of the role in create mode)`,
        );
      });
    const info = await consumer.info(true);
    this.#maxDeliver = info.config.max_deliver ?? -1;
    this.#heartbeatMs = this.#opts.heartbeatMs ?? Math.max(100, Math.floor((info.config.ack_wait ?? 30e9) / 3e6));
    this.#cancels = this.#opts.nc.subscribe(Subject.allCancels, {
      callback: (_e, m) => this.#cancel(lastToken(m.subject)),
    });
    this.#messages = await consumer.consume({ max_messages: this.#concurrency });
    this.#loop = this.#pull(this.#messages);
  }

  /**
   * Stops pulling, lets tasks in flight finish (up to the grace), releases (naks) the ones it
   * holds but has not started. A task the server sent after the stop comes back to the pool
   * after the consumer's ack wait.
   */
  async drain(): Promise<void> {
    this.#draining = true;
    await this.#messages?.close();
    await this.#loop;
    const deadline = Date.now() + (this.#opts.drainGraceMs ?? 20_000);
    while (this.#running.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const [msg, run] of this.#running) {
      run.abort.abort(new TerminalError(ErrorCode.Cancelled, "actor draining"));
      msg.nak();
    }
    this.#cancels?.unsubscribe();
  }

  get #concurrency(): number {
    return this.#opts.concurrency ?? 4;
  }

  async #pull(messages: ConsumerMessages): Promise<void> {
    for await (const msg of messages) {
      if (this.#draining) {
        msg.nak();
        continue;
      }
      while (this.#running.size >= this.#concurrency) await new Promise<void>((r) => (this.#slotFreed = r));
      if (this.#draining) {
        msg.nak();
        continue;
      }
      const entry = { workflowId: "", abort: new AbortController() };
      this.#running.set(msg, entry);
      void this.#run(msg, entry).finally(() => {
        this.#running.delete(msg);
        this.#slotFreed?.();
      });
    }
  }

  #cancel(workflowId: string): void {
    for (const run of this.#running.values()) {
      if (run.workflowId === workflowId)
        run.abort.abort(new TerminalError(ErrorCode.Cancelled, `workflow ${workflowId} cancelled`));
    }
  }

  async #run(msg: JsMsg, entry: { workflowId: string; abort: AbortController }): Promise<void> {
    let task: TaskMessage;
    try {
      task = decode(msg.data, TaskMessage);
    } catch (err) {
      await this.#poison(msg, ensureError(err));
      return;
    }
    entry.workflowId = task.workflow_id;
    const heartbeat = setInterval(() => msg.working(), this.#heartbeatMs);
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
        () => this.#handle(task, msg, entry.abort.signal),
      );
      await this.#report(task, { output }, msg);
      msg.ack();
    } catch (err) {
      await this.#onError(task, msg, ensureError(err), entry.abort.signal);
    } finally {
      clearInterval(heartbeat);
    }
  }

  async #handle(task: TaskMessage, msg: JsMsg, signal: AbortSignal): Promise<unknown> {
    const binding = this.#bindings.get(task.kind);
    if (!binding)
      throw new TerminalError(ErrorCode.UnknownTaskKind, `role ${this.#opts.role} has no handler for '${task.kind}'`);
    const log = this.#opts.log ?? (() => undefined);
    return await runBinding(binding, task.input, { task, delivery: msg.info.deliveryCount, signal, log });
  }

  async #onError(task: TaskMessage, msg: JsMsg, err: PatchbayError, signal: AbortSignal): Promise<void> {
    if (signal.aborted && this.#draining) return; // released by drain()
    const last = this.#maxDeliver > 0 && msg.info.deliveryCount >= this.#maxDeliver;
    if (err.retryable && !last && !signal.aborted) {
      msg.nak(backoffMs(msg.info.deliveryCount));
      return;
    }
    try {
      await this.#report(task, { error: err.toInfo() }, msg);
      msg.term(`${err.code}: ${err.message}`.slice(0, 200));
    } catch (publishErr) {
      this.#opts.log?.(`cannot report failure of ${task.task_id}: ${ensureError(publishErr).message}`);
      msg.nak(backoffMs(msg.info.deliveryCount));
    }
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
}

function safeRaw(data: Uint8Array): unknown {
  try {
    return decodeRaw(data);
  } catch {
    return undefined;
  }
}

/** Redelivery backoff: 200 ms doubling to 10 s. */
export function backoffMs(delivery: number): number {
  return Math.min(10_000, 200 * 2 ** Math.max(0, delivery - 1));
}

function traceOf(msg: JsMsg): Record<string, string> {
  const tp = headerValue(msg.headers, Header.TraceParent);
  return tp ? { [Header.TraceParent]: tp } : {};
}

function bindingsByKind(role: Role, bindings: readonly TaskBinding[]): Map<string, TaskBinding> {
  const byKind = new Map<string, TaskBinding>();
  for (const b of bindings) {
    if (b.contract.role !== role)
      throw new TerminalError(
        ErrorCode.ConfigInvalid,
        `the ${role} host was given a handler of ${contractName(b.contract)}`,
      );
    if (byKind.has(b.contract.kind))
      throw new TerminalError(ErrorCode.ConfigInvalid, `two handlers of ${contractName(b.contract)}`);
    byKind.set(b.contract.kind, b);
  }
  return byKind;
}
