/**
 * The pools of actor processes: who is serving each role now (a ping every live process
 * answers at once, protocol/presence.ts) and each role's queue (its consumer `actor-<role>` on
 * TASKS). What the console's Pools page and `patchbay queues --processes` show.
 */
import { NoRespondersError, type NatsConnection } from "@nats-io/transport-node";
import type { JetStreamManager } from "@nats-io/jetstream";
import { decode } from "../../protocol/codec.ts";
import { Presence } from "../../protocol/presence.ts";
import type { Role } from "../../protocol/roles.ts";
import { Consumer, Stream, Subject } from "../../protocol/subjects.ts";

/** One role's pool: its queue and its live processes. */
export interface PoolView {
  /** Tasks waiting for a process (the consumer's `num_pending`). */
  pending: number;
  /** Tasks delivered to a process and not acknowledged yet: running or just taken (`num_ack_pending`). */
  ack_pending: number;
  /** Of those, tasks delivered more than once (`num_redelivered`): a process died, froze or retried. */
  redelivered: number;
  /** Fetches of idle processes waiting for a task (`num_waiting`), when the server reports it. */
  waiting?: number;
  /** The role's live processes, oldest first, each with its tasks in flight. */
  processes: Presence[];
}

/**
 * The live actor processes: every one that answers a ping within `timeoutMs`, by role, then
 * oldest first. A process that is draining still answers (`state: "draining"`).
 */
export async function livePresence(nc: NatsConnection, timeoutMs = 300): Promise<Presence[]> {
  const found: Presence[] = [];
  try {
    const replies = await nc.requestMany(Subject.presencePing, undefined, { maxWait: timeoutMs, strategy: "timer" });
    for await (const m of replies) {
      try {
        found.push(decode(m.data, Presence));
      } catch {
        // not a presence (another version, or noise on the inbox): left out
      }
    }
  } catch (err) {
    if (!(err instanceof NoRespondersError)) throw err;
  }
  return found.sort((a, b) => a.role.localeCompare(b.role) || a.started_at - b.started_at);
}

/**
 * Each of `roles` whose consumer exists, with its queue counts and the processes in
 * `processes` serving it.
 */
export async function poolsOf(
  jsm: JetStreamManager,
  roles: readonly Role[],
  processes: readonly Presence[],
): Promise<Record<string, PoolView>> {
  const entries = await Promise.all(
    roles.map(async (role) => {
      const info = await jsm.consumers.info(Stream.Tasks, Consumer.actor(role)).catch(() => undefined);
      if (!info) return [];
      const view: PoolView = {
        pending: info.num_pending,
        ack_pending: info.num_ack_pending,
        redelivered: info.num_redelivered,
        ...(typeof info.num_waiting === "number" ? { waiting: info.num_waiting } : {}),
        processes: processes.filter((p) => p.role === role),
      };
      return [[role, view] as const];
    }),
  );
  return Object.fromEntries(entries.flat());
}
