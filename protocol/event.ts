/**
 * Events: the inputs of a saga, published to `workflow.event.<id>` (stream HISTORY) by actors
 * and by the coordinator itself (signals, timers, children). Errors of `*.failed` events
 * travel in headers, not in the payload.
 */
import { z } from "zod";

const base = {
  /** The workflow run the event belongs to (0: the current one); events of other runs are ignored. */
  run: z.number().int().nonnegative(),
  /** Epoch ms at the publisher. */
  at: z.number(),
};

/** A task finished; the first result per task id wins. */
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
