/**
 * Transitions of the saga record (its shape is the read model in `protocol/saga.ts`) and the
 * effects a step adds to its outbox. Everything here is pure: it edits a draft record; the
 * runtime shell writes and publishes.
 */
import { ErrorCode, errorHeaders, type ErrorInfo } from "../../protocol/errors.ts";
import type { Envelope } from "../../protocol/envelope.ts";
import { childEndedMessage, logMessage, type LogEntry } from "../../protocol/event.ts";
import {
  TERMINAL,
  type OutboxEntry,
  type PendingTask,
  type SagaRecord,
  type SagaStatus,
  type TaskStart,
} from "../../protocol/saga.ts";
import { Header } from "../../protocol/subjects.ts";
import { budgetLeft } from "./budget.ts";
import { cancelMessage, taskMessage } from "../../protocol/task.ts";
import { signalMessage, timerMessage } from "../../protocol/workflow.ts";

/** Default start-to-close budget of a task attempt. */
export const DEFAULT_TASK_TIMEOUT_MS = 5 * 60_000;
/** Default schedule-to-start budget: how long a task may wait in its queue. */
export const DEFAULT_QUEUE_TIMEOUT_MS = 6 * 3_600_000;
/** The shortest schedule-to-start budget (an actor reports a quick task's start up to a second late). */
export const MIN_QUEUE_TIMEOUT_MS = 5_000;
/** Default dispatches per task before TASK_TIMEOUT. */
export const DEFAULT_MAX_ATTEMPTS = 3;
const SEEN_LIMIT = 200;

/** A shallow copy safe to edit: every collection the step functions mutate is copied. */
export function draftOf(rec: SagaRecord): SagaRecord {
  return {
    ...rec,
    pending: { ...rec.pending },
    children: { ...rec.children },
    timers: { ...rec.timers },
    steps: [...rec.steps],
    seen: [...rec.seen],
    outbox: [...rec.outbox],
    ...(rec.compensation
      ? { compensation: { error: rec.compensation.error, failures: [...rec.compensation.failures] } }
      : {}),
  };
}

/** Remembers a signal id; returns false when it was already applied. */
export function markSeen(rec: SagaRecord, signalId: string): boolean {
  if (rec.seen.includes(signalId)) return false;
  rec.seen.push(signalId);
  if (rec.seen.length > SEEN_LIMIT) rec.seen.splice(0, rec.seen.length - SEEN_LIMIT);
  return true;
}

/** The timer id of a task attempt's deadline. */
export function taskTimerId(taskId: string, attempt: number): string {
  return `task/${taskId}/${attempt}`;
}

/** Arms a durable timer; timers due at the same moment share one wake-up message. */
export function armTimer(rec: SagaRecord, timerId: string, due: number): void {
  rec.timers[timerId] = due;
  const wake = timerMessage(rec.id, rec.run, due);
  if (rec.outbox.some((m) => "msg_id" in m && m.msg_id === wake.msg_id)) return;
  rec.outbox.push(wake);
}

/** Armed timers due at or before `at`, earliest first. */
export function dueTimers(rec: SagaRecord, at: number): string[] {
  return Object.entries(rec.timers)
    .filter(([, due]) => due <= at)
    .sort((a, b) => a[1] - b[1])
    .map(([id]) => id);
}

/** What a dispatch decides about a task; the rest of its pending entry is set when it is sent. */
export type TaskSpec = Omit<PendingTask, "deadline" | "dispatched_at" | "started">;

/** What a pending task was dispatched as, without what its current attempt added (to send it again). */
export function specOf(task: PendingTask): TaskSpec {
  const { deadline: _deadline, dispatched_at: _dispatchedAt, started: _started, ...spec } = task;
  return spec;
}

/** Publishes a task attempt and arms its schedule-to-start deadline. */
export function sendTask(rec: SagaRecord, taskId: string, task: TaskSpec, at: number): void {
  const deadline = at + task.queue_timeout_ms;
  rec.pending[taskId] = { ...task, dispatched_at: at, deadline };
  rec.outbox.push({ task: taskId });
  armTimer(rec, taskTimerId(taskId, task.attempt), deadline);
}

/** Records that an actor started the current attempt: its start-to-close clock runs from `start.at`. */
export function markStarted(rec: SagaRecord, taskId: string, start: TaskStart): void {
  const task = rec.pending[taskId];
  if (!task) return;
  const deadline = start.at + task.timeout_ms;
  rec.pending[taskId] = { ...task, started: start, deadline };
  armTimer(rec, taskTimerId(taskId, task.attempt), deadline);
}

/**
 * The outbox marked as published again (header `Patchbay-Republished`): for a step or a scan
 * that cannot know whether an earlier one published it. A copy of a task so marked is checked
 * by the actor that takes it; a copy of any other message is harmless (results are fenced by
 * attempt, starts by id, history is read by message id).
 */
export function markRepublished(outbox: readonly OutboxEntry[]): OutboxEntry[] {
  return outbox.map((entry) =>
    "task" in entry
      ? { ...entry, republished: true }
      : { ...entry, headers: { ...entry.headers, [Header.Republished]: "1" } },
  );
}

/** The outbox as messages: task references become the current attempt's task message. */
export function outboxMessages(rec: SagaRecord): Envelope[] {
  const out: Envelope[] = [];
  for (const entry of rec.outbox) {
    if (!("task" in entry)) {
      out.push(entry);
      continue;
    }
    const task = rec.pending[entry.task];
    if (!task) continue;
    const msg = {
      task_id: entry.task,
      workflow_id: rec.id,
      run: rec.run,
      kind: task.kind,
      attempt: task.attempt,
      deadline: task.dispatched_at + task.queue_timeout_ms,
      timeout_ms: task.timeout_ms,
      input: task.input,
      ...(task.compensates === undefined ? {} : { compensates: task.compensates }),
      ...(rec.budget === undefined || task.compensates !== undefined ? {} : { budget: budgetLeft(rec) }),
    };
    const headers: Record<string, string> = traceHeaders(rec);
    if (entry.republished) headers[Header.Republished] = "1";
    out.push(taskMessage(task.role, msg, headers));
  }
  return out;
}

/** Appends one log message holding `entries`. */
export function writeLog(rec: SagaRecord, entries: LogEntry[], at: number, error?: ErrorInfo): void {
  if (entries.length === 0) return;
  rec.log_count += 1;
  const headers = { ...traceHeaders(rec), ...(error ? errorHeaders(error) : {}) };
  rec.outbox.push(logMessage(rec.id, rec.run, rec.log_count, at, entries, headers));
}

/** Headers carrying the workflow's trace context. */
function traceHeaders(rec: SagaRecord): Record<string, string> {
  return rec.trace ? { [Header.TraceParent]: rec.trace } : {};
}

/** Drops every pending task and its deadline, telling actors to stop them (one cancel message). */
export function cancelPending(rec: SagaRecord): void {
  if (Object.keys(rec.pending).length > 0) rec.outbox.push(cancelMessage(rec.id, rec.run));
  rec.pending = {};
  rec.timers = {};
}

/** Asks every running child to cancel (they report back as failed). */
export function cancelChildren(rec: SagaRecord): void {
  for (const child of Object.keys(rec.children))
    rec.outbox.push(signalMessage(child, "cancel", undefined, `${rec.id}/${rec.run}/cancel/${child}`));
}

/**
 * The record that replaces one too large to store: state, input, result and compensation
 * steps dropped (the history keeps the input and every result), the workflow failed with
 * RECORD_TOO_LARGE.
 */
export function oversizedFailure(rec: SagaRecord, at: number, bytes: number, limit: number): SagaRecord {
  const draft: SagaRecord = {
    ...draftOf(rec),
    state: null,
    input: null,
    steps: [],
    outbox: rec.outbox.filter((e) => "task" in e),
  };
  delete draft.result;
  const entries: LogEntry[] = [];
  const error = {
    code: ErrorCode.RecordTooLarge,
    message: `the workflow's record grew to ${bytes} bytes, over the ${limit} bytes one message may hold`,
  };
  finish(draft, entries, at, "failed", { error });
  writeLog(draft, entries, at, error);
  return draft;
}

/** Ends the saga: tells actors to stop its tasks, disarms timers, reports to a parent. */
export function finish(
  rec: SagaRecord,
  entries: LogEntry[],
  at: number,
  status: SagaStatus,
  end: { result?: unknown; error?: ErrorInfo },
): void {
  cancelPending(rec);
  rec.status = status;
  rec.updated_at = at;
  if (end.result !== undefined) rec.result = end.result;
  if (end.error) rec.error = end.error;
  entries.push({ step: status, text: end.error ? `${status}: ${end.error.code} ${end.error.message}` : status });
  if (rec.parent) notifyParent(rec, at);
}

/** Reports an ended child to its parent's current run. */
function notifyParent(rec: SagaRecord, at: number): void {
  if (!rec.parent || !TERMINAL.has(rec.status)) return;
  const end =
    rec.status === "completed"
      ? { result: rec.result }
      : { error: rec.error ?? { code: ErrorCode.Cancelled, message: rec.status } };
  rec.outbox.push(childEndedMessage(rec.parent, { id: rec.id, run: rec.run }, end, at));
}
