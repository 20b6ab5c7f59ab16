/**
 * Presence of actor processes (docs/architecture.md, "Actors"): each process says on core NATS
 * who it is and which tasks it holds — a heartbeat on `patchbay.presence.<role>` every
 * {@link PRESENCE_INTERVAL_MS}, a last word when it drains and when it is gone, and an answer
 * to every ping on `patchbay.ping.presence`. Nothing is stored: a process not heard for a few
 * intervals is gone.
 */
import { z } from "zod";
import { ROLE_PATTERN } from "./roles.ts";

/** How often an actor process publishes its presence. */
export const PRESENCE_INTERVAL_MS = 5_000;

/** One task a process holds. */
export const TaskInFlight = z.object({
  workflow_id: z.string(),
  run: z.number().int().positive(),
  task_id: z.string(),
  kind: z.string(),
  attempt: z.number().int().positive(),
  /** When this process started it (epoch ms). */
  since: z.number(),
});
/** One task a process holds. */
export type TaskInFlight = z.infer<typeof TaskInFlight>;

/** What a process is doing: serving tasks, draining (finishing what it holds), or gone. */
export const PresenceState = z.enum(["serving", "draining", "gone"]);
/** What a process is doing. */
export type PresenceState = z.infer<typeof PresenceState>;

/** The presence of one actor process, published to `patchbay.presence.<role>` and in reply to pings. */
export const Presence = z.object({
  role: z.string().regex(ROLE_PATTERN),
  /** `<host>:<pid>`, as in the process's `task.started` reports (the saga record's `started.runner`). */
  runner: z.string().min(1),
  pid: z.number().int().nonnegative(),
  host: z.string(),
  /** When the process started serving (epoch ms). */
  started_at: z.number(),
  /** Tasks it runs at once. */
  concurrency: z.number().int().positive(),
  in_flight: z.array(TaskInFlight),
  state: PresenceState,
  /** When this was said (epoch ms, the process's clock). */
  at: z.number(),
});
/** The presence of one actor process. */
export type Presence = z.infer<typeof Presence>;
