/**
 * Events: the inputs of a saga, published to `workflow.event.<id>` (stream HISTORY) by actors
 * and by the coordinator itself (signals, timers, children). Errors of `*.failed` events
 * travel in headers, not in the payload.
 */
import { z } from "zod";
import type { Envelope } from "./envelope.ts";
import { errorHeaders, type ErrorInfo } from "./errors.ts";
import { Subject } from "./subjects.ts";
import { taskMsgId, type TaskAttemptRef } from "./task.ts";

const base = {
  /** The workflow run the event belongs to (0: the current one); events of other runs are ignored. */
  run: z.number().int().nonnegative(),
  /** Epoch ms at the publisher. */
  at: z.number(),
};

/**
 * An actor started a task attempt: the start-to-close clock of that attempt runs from `at`. A
 * later delivery of the same attempt (its first runner died) starts the clock again. Actors
 * report a start at once when the task waited in the queue, else after a second (a task done
 * by then needs no start: its result says it ran).
 */
export const TaskStarted = z.object({
  type: z.literal("task.started/v1"),
  data: z.object({
    ...base,
    task_id: z.string(),
    attempt: z.number().int(),
    /** TASKS stream sequence of the message that started: tells a redelivery from a copy. */
    seq: z.number().int().nonnegative(),
    /** JetStream delivery count of that message. */
    delivery: z.number().int().positive(),
    /** The process that runs it (`<host>:<pid>`). */
    runner: z.string(),
  }),
});
/** A task finished; only a result of the pending attempt is applied. */
export const TaskCompleted = z.object({
  type: z.literal("task.completed/v1"),
  data: z.object({ ...base, task_id: z.string(), attempt: z.number().int(), output: z.unknown() }),
});
/** A task failed for good (terminal error or last delivery); error in headers. */
export const TaskFailed = z.object({
  type: z.literal("task.failed/v1"),
  data: z.object({ ...base, task_id: z.string(), attempt: z.number().int() }),
});
/** A signal reached the workflow. */
export const SignalReceived = z.object({
  type: z.literal("signal.received/v1"),
  data: z.object({ ...base, signal_id: z.string(), name: z.string(), payload: z.unknown().optional() }),
});
/** A wake-up of the workflow's durable timers: every armed timer due at or before `at` fires. */
export const TimerFired = z.object({
  type: z.literal("timer.fired/v1"),
  data: z.object({ ...base }),
});
/** A child workflow completed. */
export const ChildCompleted = z.object({
  type: z.literal("child.completed/v1"),
  data: z.object({ ...base, child_id: z.string(), result: z.unknown() }),
});
/** A child workflow failed or was cancelled; error in headers. */
export const ChildFailed = z.object({
  type: z.literal("child.failed/v1"),
  data: z.object({ ...base, child_id: z.string() }),
});

/** Every event a saga can receive. */
export const EventMessage = z.discriminatedUnion("type", [
  TaskStarted,
  TaskCompleted,
  TaskFailed,
  SignalReceived,
  TimerFired,
  ChildCompleted,
  ChildFailed,
]);
/** Every event a saga can receive. */
export type EventMessage = z.infer<typeof EventMessage>;

/** One line of the coordinator's own log (`workflow.log.<id>`). */
export const LogEntry = z.object({
  /** What happened: started, scheduled, redispatched, timer, child, compensating, compensated, … */
  step: z.string(),
  /** Human-readable detail for `show`. */
  text: z.string(),
  /** Extra structured data (the start input, replayed inputs of a reset, …). */
  data: z.unknown().optional(),
});
/** One line of the coordinator's own log. */
export type LogEntry = z.infer<typeof LogEntry>;

/** A log message: the decisions one coordinator step made for one workflow. */
export const LogMessage = z.object({
  type: z.literal("log/v1"),
  data: z.object({ ...base, entries: z.array(LogEntry).min(1) }),
});
/** A log message. */
export type LogMessage = z.infer<typeof LogMessage>;

/** Anything found on a workflow's history subjects. */
export const HistoryMessage = z.discriminatedUnion("type", [...EventMessage.options, LogMessage]);
/** Anything found on a workflow's history subjects. */
export type HistoryMessage = z.infer<typeof HistoryMessage>;

// ---- builders: every history message the runtime publishes is made here ------------------

/** An actor's result of one task attempt: completed with `output`, or failed with `error` (in headers). */
export function taskResultMessage(
  task: TaskAttemptRef,
  result: { output: unknown } | { error: ErrorInfo },
  at: number,
  trace: Record<string, string> = {},
): Envelope {
  const data = { run: task.run, at, task_id: task.task_id, attempt: task.attempt };
  const msg_id = `${taskMsgId(task)}/result`;
  const subject = Subject.event(task.workflow_id);
  if ("error" in result) {
    const payload: z.input<typeof TaskFailed> = { type: "task.failed/v1", data };
    return { subject, msg_id, payload, headers: { ...trace, ...errorHeaders(result.error) } };
  }
  const payload: z.input<typeof TaskCompleted> = {
    type: "task.completed/v1",
    data: { ...data, output: result.output },
  };
  return { subject, msg_id, payload, headers: trace };
}

/** The start of a task attempt by one delivery (`seq`, `delivery`) on `runner`, at `at`. */
export function taskStartedMessage(
  task: TaskAttemptRef,
  start: { seq: number; delivery: number; runner: string },
  at: number,
  trace: Record<string, string> = {},
): Envelope {
  const payload: z.input<typeof TaskStarted> = {
    type: "task.started/v1",
    data: { run: task.run, at, task_id: task.task_id, attempt: task.attempt, ...start },
  };
  const msg_id = `${taskMsgId(task)}/started/${start.delivery}`;
  return { subject: Subject.event(task.workflow_id), msg_id, payload, headers: trace };
}

/** A signal received on `workflow.signal.<id>` (stream sequence `seq`), addressed to the current run. */
export function signalReceivedMessage(
  workflowId: string,
  seq: number,
  signal: { name: string; payload?: unknown },
  at: number,
): Envelope {
  const payload: z.input<typeof SignalReceived> = {
    type: "signal.received/v1",
    data: { run: 0, at, signal_id: `sig-${seq}`, name: signal.name, payload: signal.payload },
  };
  return { subject: Subject.event(workflowId), msg_id: `${workflowId}/signal/${seq}`, payload };
}

/** The wake-up of run `run`'s timers due at `due`, delivered at `at`. */
export function timerFiredMessage(workflowId: string, run: number, due: number, at: number): Envelope {
  const payload: z.input<typeof TimerFired> = { type: "timer.fired/v1", data: { run, at: Math.max(at, due) } };
  return { subject: Subject.event(workflowId), msg_id: `${workflowId}/${run}/fired/${due}`, payload };
}

/** A child's end, reported to its parent's current run (run 0): its result, or its error in headers. */
export function childEndedMessage(
  parent: { id: string; run: number },
  child: { id: string; run: number },
  end: { result: unknown } | { error: ErrorInfo },
  at: number,
): Envelope {
  const subject = Subject.event(parent.id);
  const msg_id = `${parent.id}/${parent.run}/child/${child.id}/${child.run}`;
  if ("error" in end) {
    const payload: z.input<typeof ChildFailed> = { type: "child.failed/v1", data: { run: 0, at, child_id: child.id } };
    return { subject, msg_id, payload, headers: errorHeaders(end.error) };
  }
  const payload: z.input<typeof ChildCompleted> = {
    type: "child.completed/v1",
    data: { run: 0, at, child_id: child.id, result: end.result },
  };
  return { subject, msg_id, payload };
}

/** Log message number `n` of run `run`: the decisions of one coordinator step. */
export function logMessage(
  workflowId: string,
  run: number,
  n: number,
  at: number,
  entries: LogEntry[],
  headers: Record<string, string> = {},
): Envelope {
  const payload: z.input<typeof LogMessage> = { type: "log/v1", data: { run, at, entries } };
  return { subject: Subject.log(workflowId), msg_id: `${workflowId}/${run}/log/${n}`, payload, headers };
}
