/** Task messages: what the coordinator sends an actor role on `task.<role>`. */
import { z } from "zod";

/** A unit of work for one actor role. */
export const TaskMessage = z.object({
  /** Unique within the workflow run. */
  task_id: z.string().min(1),
  workflow_id: z.string().min(1),
  /** The workflow run (incremented by reset); results of older runs are ignored. */
  run: z.number().int().positive(),
  /** What to do; actor handlers are keyed by kind. */
  kind: z.string().min(1),
  /** 1 on first dispatch; the coordinator re-dispatches with attempt + 1 after a deadline. */
  attempt: z.number().int().positive(),
  /** Epoch ms after which the coordinator stops waiting for this attempt. */
  deadline: z.number(),
  input: z.unknown(),
});
/** A unit of work for one actor role. */
export type TaskMessage = z.infer<typeof TaskMessage>;

/** The `Nats-Msg-Id` of a task: unique per attempt and run so re-dispatch is never deduplicated. */
export function taskMsgId(t: Pick<TaskMessage, "workflow_id" | "run" | "task_id" | "attempt">): string {
  return `${t.workflow_id}/${t.run}/${t.task_id}/${t.attempt}`;
}
