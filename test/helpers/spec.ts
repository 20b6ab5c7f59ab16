/**
 * Given/when/then specs for the coordinator's whole fold (generic saga parts included) with
 * no server. `given` folds inputs with the same `foldInputs` the runtime shell uses (each
 * step's outbox is taken as published and cleared); `when` applies one more input; `then`
 * sees the resulting record and exactly the messages `when` added. For a decider alone, use
 * `workflow-spec.ts`.
 */
import { errorFromHeaders, type ErrorInfo } from "../../protocol/errors.ts";
import { EventMessage, HistoryMessage, LogMessage, type LogEntry } from "../../protocol/event.ts";
import { Subject, lastToken, token } from "../../protocol/subjects.ts";
import { TaskMessage } from "../../protocol/task.ts";
import { StartMessage, TimerMessage, type ParentRef } from "../../protocol/workflow.ts";
import type { HistoryEntry } from "../../infra/nats/history.ts";
import type { Envelope as OutMsg } from "../../protocol/envelope.ts";
import type { Role } from "../../protocol/roles.ts";
import type { SagaRecord } from "../../protocol/saga.ts";
import {
  foldInputs,
  outboxMessages,
  type EventInput,
  type SagaInput,
  type StartInput,
  type WorkflowRegistry,
} from "../../services/coordinator/internal.ts";

/** Workflow id the builders use unless told otherwise. */
export const WF_ID = "wf-1";
/** Start time the builders use unless told otherwise (epoch ms). */
export const T0 = 1_000_000;

/** What `then` receives. */
export interface Outcome {
  /** The record after `when` (the given record when nothing changed). */
  record: SagaRecord;
  /** False when the input changed nothing (applyInput returned undefined). */
  changed: boolean;
  /** The messages `when` added to the outbox. */
  outbox: OutMsg[];
}

/** The state built by `given`. */
export interface Given {
  /** The record after the given inputs (outbox cleared), undefined when none was a start. */
  record: SagaRecord | undefined;
  /** Every message the given inputs published, in order. */
  published: OutMsg[];
  /** The workflow's history as HISTORY would hold it: each event, then the log it caused. */
  history: HistoryEntry[];
  when(input: SagaInput): Then;
}

/** The result of `when`, checked by `then`. */
export interface Then {
  then(check: (outcome: Outcome) => void): Outcome;
}

/** A decider spec over one registry. */
export interface Spec {
  given(inputs: SagaInput[]): Given;
}

/** Starts a spec: `spec(registry).given([...]).when(input).then((o) => ...)`. */
export function spec(registry: WorkflowRegistry): Spec {
  return { given: (inputs) => given(registry, inputs) };
}

/** One coordinator step, folded as the runtime folds it. */
function step(registry: WorkflowRegistry, rec: SagaRecord | undefined, input: SagaInput): SagaRecord | undefined {
  const folded = foldInputs(registry, rec, [input]);
  if (folded.orphans.length > 0) throw new Error(`spec: a '${input.kind}' input needs a start before it`);
  return folded.record;
}

function given(registry: WorkflowRegistry, inputs: SagaInput[]): Given {
  let rec: SagaRecord | undefined;
  const published: OutMsg[] = [];
  const history: HistoryEntry[] = [];
  for (const input of inputs) {
    const next = step(registry, rec, input);
    const id = next?.id ?? rec?.id;
    if (input.kind === "event" && id) addHistory(history, Subject.event(id), input.event, input.error);
    if (!next) continue;
    const sent = outboxMessages(next);
    published.push(...sent);
    for (const msg of sent)
      if (msg.subject === Subject.log(next.id)) addHistory(history, msg.subject, HistoryMessage.parse(msg.payload));
    rec = { ...next, outbox: [] };
  }
  const record = rec;
  return {
    record,
    published,
    history,
    when(input: SagaInput): Then {
      const next = step(registry, record, input);
      const outcome: Outcome = next
        ? { record: next, changed: true, outbox: outboxMessages(next) }
        : { record: record as SagaRecord, changed: false, outbox: [] };
      return { then: (check) => (check(outcome), outcome) };
    },
  };
}

function addHistory(history: HistoryEntry[], subject: string, message: HistoryMessage, error?: ErrorInfo): void {
  const number = history.length + 1;
  history.push({ number, seq: number, time: message.data.at, subject, message, ...(error ? { error } : {}) });
}

// ---- input builders -------------------------------------------------------------------------

/** A start of `type` with `input` (id {@link WF_ID}, time {@link T0} by default). */
export function started(
  type: string,
  input: unknown,
  opts: { id?: string; at?: number; parent?: ParentRef } = {},
): StartInput {
  return {
    kind: "start",
    id: opts.id ?? WF_ID,
    type,
    input,
    at: opts.at ?? T0,
    ...(opts.parent ? { parent: opts.parent } : {}),
  };
}

/** Options of an event builder: the run (1), the time ({@link T0}) and the task attempt (1). */
export interface EventOpts {
  run?: number;
  at?: number;
  attempt?: number;
}

/** An actor's report that it started task `taskId` (delivery 1 of stream sequence 1 on `spec:1` by default). */
export function taskStarted(
  taskId: string,
  opts: EventOpts & { delivery?: number; seq?: number; runner?: string } = {},
): EventInput {
  const data = {
    run: opts.run ?? 1,
    at: opts.at ?? T0,
    task_id: taskId,
    attempt: opts.attempt ?? 1,
    seq: opts.seq ?? 1,
    delivery: opts.delivery ?? 1,
    runner: opts.runner ?? "spec:1",
  };
  return { kind: "event", event: { type: "task.started/v1", data } };
}

/** An actor's result of task `taskId`. */
export function completed(taskId: string, output: unknown, opts: EventOpts = {}): EventInput {
  const data = { run: opts.run ?? 1, at: opts.at ?? T0, task_id: taskId, attempt: opts.attempt ?? 1, output };
  return { kind: "event", event: { type: "task.completed/v1", data } };
}

/** An actor's failure of task `taskId`; the error travels beside the event, as headers do. */
export function failed(taskId: string, error: ErrorInfo, opts: EventOpts = {}): EventInput {
  const data = { run: opts.run ?? 1, at: opts.at ?? T0, task_id: taskId, attempt: opts.attempt ?? 1 };
  return { kind: "event", event: { type: "task.failed/v1", data }, error };
}

/** A signal addressed to the current run (run 0); signal id `sig-<name>` by default. */
export function signal(
  name: string,
  payload?: unknown,
  opts: { signal_id?: string; at?: number; run?: number } = {},
): EventInput {
  const data = { run: opts.run ?? 0, at: opts.at ?? T0, signal_id: opts.signal_id ?? `sig-${name}`, name, payload };
  return { kind: "event", event: { type: "signal.received/v1", data } };
}

/** A timer wake-up: fires every armed timer due at or before `at`. */
export function wake(at: number, run = 1): EventInput {
  return { kind: "event", event: { type: "timer.fired/v1", data: { run, at } } };
}

/** A child's completion, as the child reports it to its parent. */
export function childCompleted(childId: string, result: unknown, opts: EventOpts = {}): EventInput {
  return {
    kind: "event",
    event: { type: "child.completed/v1", data: { run: opts.run ?? 1, at: opts.at ?? T0, child_id: childId, result } },
  };
}

// ---- outbox readers -------------------------------------------------------------------------

/** A task message with the role it was sent to and its `Nats-Msg-Id`. */
export interface SentTask extends TaskMessage {
  role: Role;
  msg_id: string | undefined;
}

/** Tasks dispatched in `outbox` (cancellations excluded). */
export function tasksIn(outbox: OutMsg[]): SentTask[] {
  return outbox
    .filter((m) => !m.core && m.subject === Subject.task(token(m.subject, 1) as Role))
    .map((m) => ({ ...TaskMessage.parse(m.payload), role: token(m.subject, 1) as Role, msg_id: m.msg_id }));
}

/** Every log entry written in `outbox`, in order. */
export function logIn(outbox: OutMsg[]): LogEntry[] {
  return outbox
    .filter((m) => m.subject === Subject.log(lastToken(m.subject)))
    .flatMap((m) => LogMessage.parse(m.payload).data.entries);
}

/** Durable wake-ups armed in `outbox`. */
export function wakesIn(outbox: OutMsg[]): TimerMessage[] {
  return outbox
    .filter((m) => m.subject === Subject.timer(lastToken(m.subject)))
    .map((m) => TimerMessage.parse(m.payload));
}

/** Task cancellations (core publishes to `task.cancel.<id>`) in `outbox`. */
export function cancelsIn(outbox: OutMsg[]): OutMsg[] {
  return outbox.filter((m) => m.core === true && m.subject === Subject.cancel(lastToken(m.subject)));
}

/** Workflow starts in `outbox` (children), as the start inputs the coordinator would apply at `at`. */
export function startsIn(outbox: OutMsg[], at = T0): Array<StartInput & { msg_id: string | undefined }> {
  return outbox
    .filter((m) => m.subject === Subject.start(token(m.subject, 2)))
    .map((m) => {
      const start = StartMessage.parse(m.payload);
      return {
        ...started(token(m.subject, 2), start.input, {
          id: start.id ?? "",
          at,
          ...(start.parent ? { parent: start.parent } : {}),
        }),
        msg_id: m.msg_id,
      };
    });
}

/** Events in `outbox` (e.g. a child reporting to its parent), as inputs of the workflow they address. */
export function eventsIn(outbox: OutMsg[]): Array<EventInput & { workflow_id: string }> {
  return outbox
    .filter((m) => m.subject === Subject.event(lastToken(m.subject)))
    .map((m) => {
      const error = errorFromHeaders((name) => m.headers?.[name]);
      return {
        kind: "event" as const,
        event: EventMessage.parse(m.payload),
        ...(error ? { error } : {}),
        workflow_id: lastToken(m.subject),
      };
    });
}
