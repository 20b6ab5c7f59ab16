/** Task messages: what the coordinator sends an actor role on `task.<role>`, and their cancellation. */
import { z } from "zod";
import type { Envelope } from "./envelope.ts";
import type { Role } from "./roles.ts";
import { Subject } from "./subjects.ts";

/** A unit of work for one actor role. */
export const TaskMessage = z.object({
  /** Unique within the workflow run. */
  task_id: z.string().min(1),
  workflow_id: z.string().min(1),
  /** The workflow run (incremented by reset); results of older runs are ignored. */
  run: z.number().int().positive(),
  /** What to do; actor handlers are keyed by kind (the contract's kind). */
  kind: z.string().min(1),
  /** 1 on first dispatch; the coordinator re-dispatches with attempt + 1 when one ran past its time. */
  attempt: z.number().int().positive(),
  /**
   * Schedule-to-start deadline (epoch ms): if no actor started this attempt by then, the
   * workflow gets QUEUE_TIMEOUT; an actor that takes it later drops it without running.
   */
  deadline: z.number(),
  /** Start-to-close budget of this attempt (ms), counted from when an actor starts it. */
  timeout_ms: z.number().int().positive().optional(),
  /** Set on a compensation: the task id it undoes. A cancel of the run does not stop it. */
  compensates: z.string().optional(),
  /** What the workflow's model budget still allows this task (when it has one). */
  budget: z
    .object({ tokens: z.number().nonnegative().optional(), cost_usd: z.number().nonnegative().optional() })
    .optional(),
  input: z.unknown(),
});
/** A unit of work for one actor role. */
export type TaskMessage = z.infer<typeof TaskMessage>;

/** The `Nats-Msg-Id` of a task: unique per attempt and run so re-dispatch is never deduplicated. */
/** The fields that name one attempt of a task. */
export type TaskAttemptRef = Pick<TaskMessage, "workflow_id" | "run" | "task_id" | "attempt">;

/** The idempotency key of a task, `<workflow>/<run>/<task>`: the same for all its attempts and deliveries. */
export function idempotencyKeyOf(t: Omit<TaskAttemptRef, "attempt">): string {
  return `${t.workflow_id}/${t.run}/${t.task_id}`;
}

/** The `Nats-Msg-Id` of one task attempt, `<idempotency key>/<attempt>`; its events extend it. */
export function taskMsgId(t: TaskAttemptRef): string {
  return `${idempotencyKeyOf(t)}/${t.attempt}`;
}

/** The message of one task attempt for `role`. */
export function taskMessage(role: Role, task: TaskMessage, headers: Record<string, string> = {}): Envelope {
  return { subject: Subject.task(role), msg_id: taskMsgId(task), payload: task, headers };
}

/**
 * Payload of `task.cancel.<workflow id>`: actors stop that run's forward tasks (not its
 * compensations, which run after the cancel that began them), or only the attempts of
 * `task_id` up to `attempt` (a superseded attempt).
 */
export const CancelMessage = z.object({
  run: z.number().int().positive(),
  task_id: z.string().optional(),
  attempt: z.number().int().positive().optional(),
});
/** Payload of `task.cancel.<workflow id>`. */
export type CancelMessage = z.infer<typeof CancelMessage>;

/** Tells every actor to stop the tasks of `run` of a workflow, or one task's attempts up to `attempt` (core NATS, best effort). */
export function cancelMessage(workflowId: string, run: number, only?: { task_id: string; attempt: number }): Envelope {
  const payload: z.input<typeof CancelMessage> = { run, ...(only ?? {}) };
  return { subject: Subject.cancel(workflowId), payload, core: true };
}
