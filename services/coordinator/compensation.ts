/**
 * Saga compensation: undo completed steps in reverse order of completion, one at a time.
 * A failed compensation is recorded in the record and the log, then the next one runs;
 * nothing is swallowed.
 */
import { ErrorCode, type ErrorInfo } from "../../protocol/errors.ts";
import type { LogEntry } from "../../protocol/event.ts";
import type { SagaRecord } from "../../protocol/saga.ts";
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_TASK_TIMEOUT_MS, cancelPending, finish, sendTask } from "./record.ts";

/** Stops forward work and starts undoing completed steps, the last one first. */
export function beginCompensation(rec: SagaRecord, entries: LogEntry[], error: ErrorInfo, at: number): void {
  cancelPending(rec);
  rec.status = "compensating";
  rec.compensation = { error, failures: [] };
  entries.push({
    step: "compensating",
    text: `compensating ${rec.steps.length} step(s): ${error.code} ${error.message}`,
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

function compensateNext(rec: SagaRecord, entries: LogEntry[], at: number): void {
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
        compensates: next.task_id,
      },
      at,
    );
    entries.push({ step: "compensating", text: `compensating ${next.task_id} → ${c.role}/${c.kind}` });
    return;
  }
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
