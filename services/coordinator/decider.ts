/**
 * The workflow contract (docs/architecture.md, "Workflows are pure"): a definition is data
 * plus three pure functions. No I/O, no clock, no random ids: time arrives as `event.at`, ids
 * are the workflow's own. A definition lists the task contracts it dispatches; its events and
 * commands are typed by them, so a dispatch with a wrong role, kind or input fails `tsc`.
 */
import type { ZodType } from "zod";
import type { AnyTaskContract, TaskInput, TaskOutput } from "../../protocol/contract.ts";
import type { ErrorInfo } from "../../protocol/errors.ts";

/** A task result, typed by the contract of its kind (outputs arrive parsed by the contract). */
type TaskCompletedEvent<T extends AnyTaskContract> = T extends AnyTaskContract
  ? { type: "task.completed"; at: number; task_id: string; kind: T["kind"]; output: TaskOutput<T> }
  : never;

/** What a decider sees. Every event carries the time it happened (`at`, epoch ms). */
export type WorkflowEvent<T extends AnyTaskContract = AnyTaskContract> =
  | { type: "started"; at: number; input: unknown }
  | TaskCompletedEvent<T>
  | { type: "task.failed"; at: number; task_id: string; kind: T["kind"]; error: ErrorInfo }
  | { type: "signal"; at: number; name: string; payload: unknown }
  | { type: "timer.fired"; at: number; timer_id: string }
  | { type: "child.completed"; at: number; child_id: string; result: unknown }
  | { type: "child.failed"; at: number; child_id: string; error: ErrorInfo };

/** Work that undoes a completed step; run by the coordinator in reverse order of completion. */
export type Compensation<T extends AnyTaskContract = AnyTaskContract> = T extends AnyTaskContract
  ? { role: T["role"]; kind: T["kind"]; input: TaskInput<T>; timeout_ms?: number }
  : never;

/** Options of a dispatch. */
export interface DispatchOptions<T extends AnyTaskContract = AnyTaskContract> {
  /**
   * Start-to-close: how long one attempt may run once an actor started it; after it the task
   * is re-dispatched (attempt + 1) or fails with TASK_TIMEOUT. Default 5 minutes.
   */
  timeout_ms?: number;
  /**
   * Schedule-to-start: how long an attempt may wait in its role's queue before an actor
   * starts it; after it the task fails with QUEUE_TIMEOUT (never re-dispatched: a copy would
   * wait in the same queue). At least 5 s; default 6 hours.
   */
  queue_timeout_ms?: number;
  /** Dispatches (deadline re-dispatches included) before TASK_TIMEOUT; default 3. */
  max_attempts?: number;
  /** Registered when the task completes; run if the workflow later compensates. */
  compensation?: Compensation<T>;
}

/** Send a task to an actor role; build it with {@link dispatch}. */
export type Dispatch<T extends AnyTaskContract = AnyTaskContract> = T extends AnyTaskContract
  ? DispatchOptions<AnyTaskContract> & {
      type: "dispatch";
      /** Unique within the run; results are matched by it. */
      task_id: string;
      role: T["role"];
      kind: T["kind"];
      input: TaskInput<T>;
    }
  : never;

/** Every command a decider can return; `T` is the union of the workflow's task contracts. */
export type Command<T extends AnyTaskContract = AnyTaskContract> =
  | Dispatch<T>
  | { type: "start_child"; child_id: string; workflow_type: string; input: unknown }
  | { type: "schedule"; timer_id: string; after_ms: number }
  | { type: "cancel_timer"; timer_id: string }
  | { type: "compensate"; error: ErrorInfo }
  | { type: "complete"; result: unknown }
  | { type: "fail"; error: ErrorInfo; /** What was done before the failure, kept as the result. */ result?: unknown };

/** A workflow definition: input schema, the task contracts it dispatches, pure initial/evolve/decide. */
export interface Workflow<I = unknown, S = unknown, T extends AnyTaskContract = AnyTaskContract> {
  /** The `<type>` of `workflow.start.<type>`. */
  type: string;
  /** Definition version; a running workflow keeps the version it started with. */
  version: number;
  /** Checked where the start arrives; a bad input fails the workflow with INVALID_INPUT. */
  input: ZodType<I>;
  /** Every task contract it dispatches (compensations included); their roles must run somewhere. */
  tasks: readonly T[];
  initial(input: I, ctx: { id: string; now: number }): S;
  evolve(state: S, event: WorkflowEvent<T>): S;
  decide(state: S, event: WorkflowEvent<T>): Command<T>[];
}

/** A workflow with its type parameters erased, as the registry holds it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyWorkflow = Workflow<any, any, any>;

/** Builds a typed dispatch of task `taskId` through its contract. */
export function dispatch<C extends AnyTaskContract>(
  contract: C,
  taskId: string,
  input: TaskInput<C>,
  opts: DispatchOptions = {},
): Dispatch<C> {
  return { type: "dispatch", task_id: taskId, role: contract.role, kind: contract.kind, input, ...opts } as Dispatch<C>;
}

/** Builds a typed compensation through its contract. */
export function compensation<C extends AnyTaskContract>(
  contract: C,
  input: TaskInput<C>,
  timeoutMs?: number,
): Compensation<C> {
  return {
    role: contract.role,
    kind: contract.kind,
    input,
    ...(timeoutMs === undefined ? {} : { timeout_ms: timeoutMs }),
  } as Compensation<C>;
}

/** Whether `event` is the completion of a task of `contract` (narrowing its output). */
export function isCompletion<C extends AnyTaskContract>(
  event: WorkflowEvent,
  contract: C,
): event is Extract<WorkflowEvent<C>, { type: "task.completed" }> {
  return event.type === "task.completed" && event.kind === contract.kind;
}
