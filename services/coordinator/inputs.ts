/**
 * The coordinator's four durable consumers (starts, signals, timers, events) and how each
 * message becomes a saga input. Undecodable messages go to the DLQ with the reason; an
 * undecodable event also fails the workflow it was addressed to, before it is dead-lettered.
 * A signal for a workflow whose start is not applied yet is held (redelivered with backoff)
 * for up to the sink's `signalHoldMs` ({@link SIGNAL_HOLD_MS} by default), then dead-lettered
 * as NOT_FOUND.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import type { JetStreamClient, JsMsg } from "@nats-io/jetstream";
import { decode, parseOrThrow } from "../../protocol/codec.ts";
import { ErrorCode, TerminalError, ensureError, errorFromHeaders, type ErrorInfo } from "../../protocol/errors.ts";
import { EventMessage, signalReceivedMessage, timerFiredMessage } from "../../protocol/event.ts";
import { ResetPayload, SignalMessage, StartMessage, TimerMessage } from "../../protocol/workflow.ts";
import { Consumer, Header, ID_PATTERN, Stream, lastToken, token } from "../../protocol/subjects.ts";
import { backoffMs } from "../../infra/nats/backoff.ts";
import { deadLetter } from "../../infra/nats/dlq.ts";
import { headerValue, storedAtMs } from "../../infra/nats/connect.ts";
import { readHistory } from "../../infra/nats/history.ts";
import { publishAll } from "../../infra/nats/publish.ts";
import { startSpan, traceparentOf } from "../../infra/telemetry/tracing.ts";
import type { SagaInput } from "./step.ts";
import { TERMINAL, type SagaRecord } from "../../protocol/saga.ts";
import { replayInputs } from "./replay.ts";

/** What the consumers need from the coordinator. */
export interface InputSink {
  nc: NatsConnection;
  js: JetStreamClient;
  now(): number;
  log(line: string): void;
  enqueue(id: string, input: SagaInput, done: (err?: Error) => void): void;
  record(id: string): Promise<SagaRecord | undefined>;
  /** The cached record, if any (a hint: may be stale). */
  cached(id: string): SagaRecord | undefined;
  /** How long a signal waits for its workflow's start before it is dead-lettered (NOT_FOUND). */
  readonly signalHoldMs: number;
}

type Handler = (sink: InputSink, msg: JsMsg) => Promise<void>;

const MAX_IN_FLIGHT = 4_096;
/** How long a signal waits for its workflow's start by default (PATCHBAY_SIGNAL_HOLD_MS overrides it). */
export const SIGNAL_HOLD_MS = 5 * 60_000;

/** Binds every coordinator consumer; returns functions that stop them. */
export async function consumeInputs(sink: InputSink): Promise<Array<() => Promise<void>>> {
  return await Promise.all([
    bind(sink, Stream.Workflows, Consumer.Starts, onStart),
    bind(sink, Stream.Workflows, Consumer.Signals, onSignal),
    bind(sink, Stream.Timers, Consumer.Timers, onTimer),
    bind(sink, Stream.History, Consumer.Events, onEvent),
  ]);
}

async function bind(sink: InputSink, stream: string, name: string, handler: Handler): Promise<() => Promise<void>> {
  const consumer = await sink.js.consumers.get(stream, name);
  const messages = await consumer.consume({ max_messages: 512 });
  let inFlight = 0;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    for await (const msg of messages) {
      inFlight += 1;
      void handler(sink, msg)
        .catch((err) => {
          sink.log(`${name}: ${ensureError(err).message}`);
          msg.nak(1_000);
        })
        .finally(() => {
          inFlight -= 1;
          wake?.();
        });
      while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => (wake = r));
    }
  })();
  return async () => {
    await messages.close();
    await loop;
  };
}

/** Backoff of an input that cannot be applied yet: 200 ms doubling to 5 s. */
const redeliveryDelay = (msg: JsMsg): number => backoffMs(msg.info.deliveryCount, 200, 5_000);

function settleOnce(sink: InputSink, id: string, input: SagaInput, msg: JsMsg): Promise<void> {
  return new Promise((resolve) => {
    sink.enqueue(id, input, (err) => {
      if (!err) msg.ack();
      else msg.nak(redeliveryDelay(msg));
      resolve();
    });
  });
}

async function onStart(sink: InputSink, msg: JsMsg): Promise<void> {
  const type = token(msg.subject, 2);
  let start: StartMessage;
  try {
    start = decode(msg.data, StartMessage);
  } catch (err) {
    return await deadLetter(sink.js, msg, ensureError(err).toInfo());
  }
  const id = start.id ?? startIdFromHeader(msg) ?? `${type}-s${msg.seq}`;
  const span = startSpan(`workflow ${type}`, headerValue(msg.headers, Header.TraceParent), {
    "workflow.id": id,
    "workflow.type": type,
  });
  const trace = traceparentOf(span);
  span.end();
  await settleOnce(
    sink,
    id,
    {
      kind: "start",
      id,
      type,
      input: start.input,
      at: sink.now(),
      ...(start.parent ? { parent: start.parent } : {}),
      ...(trace ? { trace } : {}),
    },
    msg,
  );
}

/** A start without `id` uses its `Nats-Msg-Id` when that is a valid id, so a redelivery maps to the same workflow. */
function startIdFromHeader(msg: JsMsg): string | undefined {
  const msgId = headerValue(msg.headers, Header.MsgId);
  return msgId && ID_PATTERN.test(msgId) ? msgId : undefined;
}

async function onEvent(sink: InputSink, msg: JsMsg): Promise<void> {
  const id = lastToken(msg.subject);
  let event: EventMessage;
  try {
    event = decode(msg.data, EventMessage);
  } catch (err) {
    return await onPoisonEvent(sink, msg, id, ensureError(err).toInfo());
  }
  const error = errorFromHeaders((name) => headerValue(msg.headers, name));
  await settleOnce(sink, id, { kind: "event", event, ...(error ? { error } : {}) }, msg);
}

/** An undecodable event fails its workflow first; only once that is written is it dead-lettered. */
async function onPoisonEvent(sink: InputSink, msg: JsMsg, id: string, reason: ErrorInfo): Promise<void> {
  const error = {
    code: ErrorCode.InvalidMessage,
    message: `undecodable event at HISTORY seq ${msg.seq}: ${reason.message}`,
  };
  const failed = await new Promise<Error | undefined>((resolve) =>
    sink.enqueue(id, { kind: "poison", at: sink.now(), error }, resolve),
  );
  if (failed) return msg.nak(redeliveryDelay(msg));
  await deadLetter(sink.js, msg, reason);
}

async function onSignal(sink: InputSink, msg: JsMsg): Promise<void> {
  const id = lastToken(msg.subject);
  try {
    const signal = decode(msg.data, SignalMessage);
    const rec = await sink.record(id);
    const held = sink.now() - storedAtMs(msg);
    if (!rec && held < sink.signalHoldMs) return msg.nak(Math.min(redeliveryDelay(msg), sink.signalHoldMs - held));
    if (!rec)
      throw new TerminalError(
        ErrorCode.NotFound,
        `no workflow '${id}' (the signal waited ${sink.signalHoldMs} ms for its start)`,
      );
    if (signal.name === "reset") return await onReset(sink, msg, rec, signal.payload);
    await publishAll(sink.nc, sink.js, [signalReceivedMessage(id, msg.seq, signal, sink.now())]);
    msg.ack();
  } catch (err) {
    const e = ensureError(err);
    if (e.retryable) throw e;
    await deadLetter(sink.js, msg, e.toInfo());
  }
}

async function onReset(sink: InputSink, msg: JsMsg, rec: SagaRecord, payload: unknown): Promise<void> {
  const { event } = parseOrThrow(payload, ResetPayload, ErrorCode.ResetInvalid);
  const replay = replayInputs(rec, await readHistory(sink.js, rec.id), event);
  await settleOnce(sink, rec.id, { kind: "reset", signal_id: `sig-${msg.seq}`, event, at: sink.now(), replay }, msg);
}

async function onTimer(sink: InputSink, msg: JsMsg): Promise<void> {
  let timer: TimerMessage;
  try {
    timer = decode(msg.data, TimerMessage);
  } catch (err) {
    return await deadLetter(sink.js, msg, ensureError(err).toInfo());
  }
  const wait = timer.due - sink.now();
  // Held back until due (capped at a day): a task's schedule-to-start deadline is hours away.
  if (wait > 0) return msg.nak(Math.min(wait, 86_400_000));
  // A cached record may be stale, except once terminal: an ended run arms no timers again.
  const cached = sink.cached(timer.workflow_id);
  const stale = cached && (cached.run > timer.run || (cached.run === timer.run && TERMINAL.has(cached.status)));
  if (!stale) {
    await publishAll(sink.nc, sink.js, [timerFiredMessage(timer.workflow_id, timer.run, timer.due, sink.now())]);
  }
  msg.ack();
}
