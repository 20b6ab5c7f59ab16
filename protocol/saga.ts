/**
 * The read model of a workflow: the saga record the coordinator keeps in the `sagas` KV
 * bucket under the workflow's id, its statuses, and the public view that the CLI, the gateway
 * and clients show. Only the coordinator writes records.
 */
import type { Envelope } from "./envelope.ts";
import type { ErrorInfo } from "./errors.ts";
import type { Role } from "./roles.ts";
import type { Budget, Usage } from "./usage.ts";
import type { ParentRef } from "./workflow.ts";

/** Lifecycle of a saga. `compensating` runs compensations before ending failed or cancelled. */
export type SagaStatus = "running" | "compensating" | "completed" | "failed" | "cancelled";

/** Every status, in lifecycle order (for flags and filters). */
export const SAGA_STATUSES = [
  "running",
  "compensating",
  "completed",
  "failed",
  "cancelled",
] as const satisfies readonly SagaStatus[];

/** Terminal statuses: nothing is applied after them. */
export const TERMINAL: ReadonlySet<SagaStatus> = new Set(["completed", "failed", "cancelled"]);

/** Work that undoes a completed step, as stored: a task of `role/kind` with its input. */
export interface CompensationSpec {
  role: Role;
  kind: string;
  input: unknown;
  timeout_ms?: number;
}

/** Who started the current attempt of a task, and when. */
export interface TaskStart {
  /** When the actor started it (epoch ms): the start-to-close clock runs from here. */
  at: number;
  /** TASKS stream sequence of the message that started (a copy has another one). */
  seq: number;
  /** JetStream delivery count of that message (a redelivery after its runner died is higher). */
  delivery: number;
  /** The process that runs it (`<host>:<pid>`). */
  runner: string;
}

/** A task dispatched and not yet finished. */
export interface PendingTask {
  role: Role;
  kind: string;
  input: unknown;
  attempt: number;
  max_attempts: number;
  /** Start-to-close budget of one attempt (ms). */
  timeout_ms: number;
  /** Schedule-to-start budget of one attempt (ms): how long it may wait in the queue. */
  queue_timeout_ms: number;
  /** When the current attempt was dispatched (epoch ms). */
  dispatched_at: number;
  /**
   * Deadline of the current attempt (epoch ms): `dispatched_at + queue_timeout_ms` until an
   * actor starts it, then `started.at + timeout_ms`.
   */
  deadline: number;
  /** Set once an actor reported that it started the current attempt. */
  started?: TaskStart;
  /** Set when the task is a compensation (handled by the shell, not the decider). */
  compensates?: string;
  compensation?: CompensationSpec;
  /**
   * Set on a sibling still in flight when the workflow began to compensate: its late
   * completion is compensated too, and the workflow ends only once it is settled.
   */
  abandoned?: true;
}

/**
 * A dispatch of the pending task `task`, expanded into its task message at publish time, so
 * the record does not carry every task's input twice (the hot path stays small).
 */
export interface TaskRef {
  task: string;
  /** Published again by a step that cannot know whether it went out before (actors check such copies). */
  republished?: true;
}

/** A message to publish once the record is written: built, or a reference to a pending task. */
export type OutboxEntry = Envelope | TaskRef;

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
  steps: Array<{ task_id: string; compensation: CompensationSpec }>;
  /** Set while compensating and after: why, and which compensations failed. */
  compensation?: { error: ErrorInfo; failures: Array<ErrorInfo & { task_id: string }> };
  /** Recently applied signal ids (duplicates are ignored). */
  seen: string[];
  result?: unknown;
  error?: ErrorInfo;
  /** The model budget its input set (`budget`); dispatches past it fail BUDGET_EXCEEDED. */
  budget?: Budget;
  /** Model usage its completed tasks reported, added up (set once one reports any). */
  usage?: Usage;
  /** Log messages written so far in this run (gives log messages deterministic ids). */
  log_count: number;
  /** Messages to publish after this record is written. */
  outbox: OutboxEntry[];
}

/** What clients see of a record: everything but the coordinator's bookkeeping. */
export type WorkflowView = Omit<SagaRecord, "outbox" | "log_count" | "seen">;

/** The public view of a record. */
export function viewOf(rec: SagaRecord): WorkflowView {
  const { outbox: _outbox, log_count: _logCount, seen: _seen, ...view } = rec;
  return view;
}

/** The error of an ended workflow, if it did not complete. */
export function outcomeError(rec: Pick<SagaRecord, "status" | "error">): ErrorInfo | undefined {
  if (rec.status === "completed") return undefined;
  return rec.error ?? { code: rec.status.toUpperCase(), message: `workflow ${rec.status}` };
}
