/**
 * Saga compensation: undo completed steps in reverse order of completion, one at a time.
 * Siblings still in flight when it begins, and that have a compensation, are told to stop
 * but waited for (until their deadline): one that completes anyway is compensated too, so no
 * completed step is forgotten. A failed compensation is recorded in the record and the log,
 * then the next one runs; nothing is swallowed.
 */
import { ErrorCode, type ErrorInfo } from "../../protocol/errors.ts";
import type { LogEntry } from "../../protocol/event.ts";
import type { PendingTask, SagaRecord } from "../../protocol/saga.ts";
import {
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_QUEUE_TIMEOUT_MS,
  DEFAULT_TASK_TIMEOUT_MS,
  cancelPending,
  finish,
  sendTask,
  taskTimerId,
} from "./record.ts";

/** Whether a task that has not finished would need undoing if it completes. */
function compensable(task: PendingTask): boolean {
  return task.compensation !== undefined && task.compensates === undefined;
}

/** Whether the workflow has something to undo: completed steps, or compensable tasks in flight. */
export function needsCompensation(rec: SagaRecord): boolean {
  return rec.steps.length > 0 || Object.values(rec.pending).some(compensable);
}

/** Stops forward work and starts undoing completed steps, the last one first. */
export function beginCompensation(rec: SagaRecord, entries: LogEntry[], error: ErrorInfo, at: number): void {
  const inflight = Object.entries(rec.pending).filter(([, task]) => compensable(task));
  cancelPending(rec);
  for (const [taskId, task] of inflight) {
    rec.pending[taskId] = { ...task, abandoned: true };
    rec.timers[taskTimerId(taskId, task.attempt)] = task.deadline;
  }
  rec.status = "compensating";
  rec.compensation = { error, failures: [] };
  const waiting = inflight.length > 0 ? `, waiting for ${inflight.map(([id]) => id).join(", ")} in flight` : "";
  entries.push({
    step: "compensating",
    text: `compensating ${rec.steps.length} step(s)${waiting}: ${error.code} ${error.message}`,
  });
  compensateNext(rec, entries, at);
}

/** Records the result of one compensation and moves on to the next. */
export function onCompensationResult(
  rec: SagaRecord,
  entries: LogEntry[],
  taskId: string,
  error: ErrorInfo | undefined,
  at: number,
): void {
  if (error) {
    rec.compensation?.failures.push({ task_id: taskId, ...error });
    entries.push({
      step: "compensation.failed",
      text: `compensation of ${taskId} failed: ${error.code} ${error.message}`,
    });
  } else {
    entries.push({ step: "compensated", text: `${taskId} compensated` });
  }
  compensateNext(rec, entries, at);
}

/** A sibling that was in flight settled: a completion is compensated, a failure needs nothing. */
export function onInflightSettled(
  rec: SagaRecord,
  entries: LogEntry[],
  taskId: string,
  task: PendingTask,
  error: ErrorInfo | undefined,
  at: number,
): void {
  if (!error && task.compensation) {
    rec.steps.push({ task_id: taskId, compensation: task.compensation });
    entries.push({ step: "late.completion", text: `${taskId} completed after the failure; it will be compensated` });
  } else {
    entries.push({ step: "inflight.settled", text: `${taskId} stopped: ${error?.code ?? "no output"}` });
  }
  compensateNext(rec, entries, at);
}

/** Sends the next compensation, or ends the workflow once nothing is left to undo or wait for. */
function compensateNext(rec: SagaRecord, entries: LogEntry[], at: number): void {
  const pending = Object.values(rec.pending);
  if (pending.some((t) => t.compensates !== undefined)) return;
  const next = rec.steps.pop();
  if (next) {
    const c = next.compensation;
    sendTask(
      rec,
      `compensate-${next.task_id}`,
      {
        role: c.role,
        kind: c.kind,
        input: c.input,
        attempt: 1,
        max_attempts: DEFAULT_MAX_ATTEMPTS,
        timeout_ms: c.timeout_ms ?? DEFAULT_TASK_TIMEOUT_MS,
        queue_timeout_ms: DEFAULT_QUEUE_TIMEOUT_MS,
        compensates: next.task_id,
      },
      at,
    );
    entries.push({
      step: "compensating",
      text: `compensating ${next.task_id} → ${c.role}/${c.kind}`,
      data: {
        task_id: `compensate-${next.task_id}`,
        role: c.role,
        kind: c.kind,
        attempt: 1,
        compensates: next.task_id,
      },
    });
    return;
  }
  if (pending.some((t) => t.abandoned)) return;
  const comp = rec.compensation ?? {
    error: { code: ErrorCode.Internal, message: "compensation without cause" },
    failures: [],
  };
  const failed = comp.failures.map((f) => `${f.task_id}: ${f.code}`).join(", ");
  const error = failed
    ? { code: comp.error.code, message: `${comp.error.message}; compensation failed for ${failed}` }
    : comp.error;
  finish(rec, entries, at, comp.error.code === ErrorCode.Cancelled ? "cancelled" : "failed", { error });
}
