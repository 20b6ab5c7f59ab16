/**
 * The saga record kept in the `sagas` KV bucket, and the effects a step adds to its outbox.
 * Everything here is pure: it edits a draft record; the runtime shell writes and publishes.
 */
import { errorHeaders, type ErrorInfo } from "../../protocol/errors.ts";
import type { ParentRef } from "../../protocol/workflow.ts";
import type { TaskMessage } from "../../protocol/task.ts";
import type { LogEntry } from "../../protocol/event.ts";
import { Header, Subject } from "../../protocol/subjects.ts";
import { taskMsgId } from "../../protocol/task.ts";
import type { Compensation, Dispatch } from "./decider.ts";

/** Lifecycle of a saga. `compensating` runs compensations before ending failed or cancelled. */
export type SagaStatus = "running" | "compensating" | "completed" | "failed" | "cancelled";

/** Terminal statuses: nothing is applied after them. */
export const TERMINAL: ReadonlySet<SagaStatus> = new Set(["completed", "failed", "cancelled"]);

/** A task dispatched and not yet finished. */
export interface PendingTask {
  role: string;
  kind: string;
  input: unknown;
  attempt: number;
  max_attempts: number;
  timeout_ms: number;
  /** Deadline of the current attempt (epoch ms). */
  deadline: number;
  /** Set when the task is a compensation (handled by the shell, not the decider). */
  compensates?: string;
  compensation?: Compensation;
}

/** A message to publish once the record is written. Ids are deterministic so re-publishing is safe. */
export type OutboxEntry = OutMsg | TaskRef;

/**
 * A dispatch of the pending task `task`, expanded into its task message at publish time, so
 * the record does not carry every task's input twice (DESIGN §9: keep the hot path small).
 */
export interface TaskRef {
  task: string;
}

/** A fully built message. */
export interface OutMsg {
  subject: string;
  payload: unknown;
  msg_id?: string;
  headers?: Record<string, string>;
  /** Core NATS publish (no stream), e.g. task cancellation. */
  core?: boolean;
}

/** The state of one workflow, as stored in KV under its id. */
export interface SagaRecord {
  id: string;
  type: string;
  /** Definition version the workflow started with. */
  version: number;
  run: number;
  status: SagaStatus;
  input: unknown;
  state: unknown;
  created_at: number;
  updated_at: number;
  parent?: ParentRef;
  /** W3C traceparent of the workflow's root span. */
  trace?: string;
  pending: Record<string, PendingTask>;
  /** Child workflows started and not finished: child id → type. */
  children: Record<string, string>;
  /** Armed timers: timer id → due (epoch ms). Task deadlines are `task/<task_id>/<attempt>`. */
  timers: Record<string, number>;
  /** Completed steps that have a compensation, in completion order. */
  steps: Array<{ task_id: string; compensation: Compensation }>;
  /** Set while compensating and after: why, and which compensations failed. */
  compensation?: { error: ErrorInfo; failures: Array<ErrorInfo & { task_id: string }> };
  /** Recently applied signal ids (duplicates are ignored). */
  seen: string[];
  result?: unknown;
  error?: ErrorInfo;
  /** Log messages written so far in this run (gives log messages deterministic ids). */
  log_count: number;
  /** Messages to publish after this record is written. */
  outbox: OutboxEntry[];
}

/** Default per-attempt task deadline. */
export const DEFAULT_TASK_TIMEOUT_MS = 5 * 60_000;
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
    ...(rec.compensation ? { compensation: { error: rec.compensation.error, failures: [...rec.compensation.failures] } } : {}),
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
  const msgId = `${rec.id}/${rec.run}/wake/${due}`;
  if (rec.outbox.some((m) => "msg_id" in m && m.msg_id === msgId)) return;
  rec.outbox.push({ subject: Subject.timer(rec.id), msg_id: msgId, payload: { workflow_id: rec.id, run: rec.run, due } });
}

/** Armed timers due at or before `at`, earliest first. */
export function dueTimers(rec: SagaRecord, at: number): string[] {
  return Object.entries(rec.timers).filter(([, due]) => due <= at).sort((a, b) => a[1] - b[1]).map(([id]) => id);
}

/** Publishes a task attempt and arms its deadline. */
export function sendTask(rec: SagaRecord, taskId: string, task: Omit<PendingTask, "deadline">, at: number): void {
  const deadline = at + task.timeout_ms;
  rec.pending[taskId] = { ...task, deadline };
  rec.outbox.push({ task: taskId });
  armTimer(rec, taskTimerId(taskId, task.attempt), deadline);
}

/** The outbox as messages: task references become the current attempt's task message. */
export function outboxMessages(rec: SagaRecord): OutMsg[] {
  const out: OutMsg[] = [];
  for (const entry of rec.outbox) {
    if (!("task" in entry)) {
      out.push(entry);
      continue;
    }
    const task = rec.pending[entry.task];
    if (task) out.push(taskMessage(rec, entry.task, task));
  }
  return out;
}

function taskMessage(rec: SagaRecord, taskId: string, task: PendingTask): OutMsg {
  const msg: TaskMessage = {
    task_id: taskId, workflow_id: rec.id, run: rec.run, kind: task.kind, attempt: task.attempt, deadline: task.deadline, input: task.input,
  };
  return { subject: Subject.task(task.role), msg_id: taskMsgId(msg), payload: msg, headers: traceHeaders(rec) };
}

/** The pending-task entry of a decider's dispatch command. */
export function pendingOf(cmd: Dispatch): Omit<PendingTask, "deadline"> {
  return {
    role: cmd.role,
    kind: cmd.kind,
    input: cmd.input,
    attempt: 1,
    max_attempts: cmd.max_attempts ?? DEFAULT_MAX_ATTEMPTS,
    timeout_ms: cmd.timeout_ms ?? DEFAULT_TASK_TIMEOUT_MS,
    ...(cmd.compensation ? { compensation: cmd.compensation } : {}),
  };
}

/** Appends one log message holding `entries`. */
export function writeLog(rec: SagaRecord, entries: LogEntry[], at: number, error?: ErrorInfo): void {
  if (entries.length === 0) return;
  rec.log_count += 1;
  const headers = { ...traceHeaders(rec), ...(error ? errorHeaders(error) : {}) };
  rec.outbox.push({
    subject: Subject.log(rec.id),
    msg_id: `${rec.id}/${rec.run}/log/${rec.log_count}`,
    payload: { type: "log/v1", data: { run: rec.run, at, entries } },
    headers,
  });
}

/** Headers carrying the workflow's trace context. */
export function traceHeaders(rec: SagaRecord): Record<string, string> {
  return rec.trace ? { [Header.TraceParent]: rec.trace } : {};
}
