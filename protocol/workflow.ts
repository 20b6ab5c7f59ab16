/** Messages that drive workflows from outside: start, signal, and the coordinator's timers. */
import { z } from "zod";
import type { Envelope } from "./envelope.ts";
import { ID_PATTERN, Subject } from "./subjects.ts";

/** A workflow id or type: letters, digits, `-`, `_`. */
export const WorkflowId = z.string().regex(ID_PATTERN, "must be letters, digits, '-' or '_' (1-128)");

/** The parent of a child workflow; the child reports to it when it ends. */
export const ParentRef = z.object({ id: WorkflowId, run: z.number().int().positive() });
/** The parent of a child workflow. */
export type ParentRef = z.infer<typeof ParentRef>;

/** Published to `workflow.start.<type>`. */
export const StartMessage = z.object({
  /** Workflow id; `<type>-<nuid>` when absent. Also the `Nats-Msg-Id`. */
  id: WorkflowId.optional(),
  /** The workflow's input, checked against the type's own schema by the coordinator. */
  input: z.unknown(),
  parent: ParentRef.optional(),
});
/** Published to `workflow.start.<type>`. */
export type StartMessage = z.infer<typeof StartMessage>;

/** Published to `workflow.signal.<id>`: `approve`, `reject`, `cancel`, `reset`, … */
export const SignalMessage = z.object({
  name: z.string().min(1).max(64),
  payload: z.unknown().optional(),
});
/** Published to `workflow.signal.<id>`. */
export type SignalMessage = z.infer<typeof SignalMessage>;

/** The payload of the built-in `reset` signal. */
export const ResetPayload = z.object({ event: z.number().int().positive() });

/**
 * A durable wake-up, published by the coordinator to `workflow.timer.<id>` and held back with
 * `nak(delay)` until due. One message serves every timer of the workflow due at that time.
 */
export const TimerMessage = z.object({
  workflow_id: WorkflowId,
  run: z.number().int().positive(),
  /** Epoch ms when the workflow's timers due by then fire. */
  due: z.number(),
});
/** A durable timer. */
export type TimerMessage = z.infer<typeof TimerMessage>;

/** A start of workflow `id` of `type` (its id is also the `Nats-Msg-Id`, so a repeat is one workflow). */
export function startMessage(type: string, id: string, input: unknown, parent?: ParentRef): Envelope {
  const payload: z.input<typeof StartMessage> = { id, input, ...(parent ? { parent } : {}) };
  return { subject: Subject.start(type), msg_id: id, payload };
}

/** A signal to workflow `id`; `msgId` makes a repeated send one signal. */
export function signalMessage(id: string, name: string, payload?: unknown, msgId?: string): Envelope {
  const body: z.input<typeof SignalMessage> = { name, ...(payload === undefined ? {} : { payload }) };
  return { subject: Subject.signal(id), payload: body, ...(msgId ? { msg_id: msgId } : {}) };
}

/** The durable wake-up of run `run`'s timers due at `due`; one message serves every timer due then. */
export function timerMessage(id: string, run: number, due: number): Envelope {
  const payload: TimerMessage = { workflow_id: id, run, due };
  return { subject: Subject.timer(id), msg_id: `${id}/${run}/wake/${due}`, payload };
}
