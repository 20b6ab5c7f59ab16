/**
 * An actor process's presence on core NATS (protocol/presence.ts): a heartbeat on
 * `patchbay.presence.<role>` at once and then every interval, an answer to every ping, and a
 * last word when it drains and when it is gone. No JetStream: nothing is stored.
 */
import type { Msg, NatsConnection, Subscription } from "@nats-io/transport-node";
import { encode } from "../../protocol/codec.ts";
import { PRESENCE_INTERVAL_MS, type Presence, type PresenceState, type TaskInFlight } from "../../protocol/presence.ts";
import type { Role } from "../../protocol/roles.ts";
import { Subject } from "../../protocol/subjects.ts";
import type { TaskRun } from "./task-run.ts";

/** Who a process is: everything in its presence but its state, its tasks and the time. */
export type PresenceIdentity = Omit<Presence, "role" | "in_flight" | "state" | "at"> & { role: Role };

/** Options of {@link PresenceBeacon}. */
export interface BeaconOptions {
  nc: NatsConnection;
  identity: PresenceIdentity;
  /** The tasks the process holds now. */
  inFlight: () => TaskInFlight[];
  /** Heartbeat interval (default {@link PRESENCE_INTERVAL_MS}). */
  intervalMs?: number;
}

/** Publishes one process's presence until it is gone. */
export class PresenceBeacon {
  readonly #opts: BeaconOptions;
  #state: PresenceState = "serving";
  #timer?: NodeJS.Timeout;
  #pings?: Subscription;

  constructor(opts: BeaconOptions) {
    this.#opts = opts;
  }

  /** Says it is here, answers pings, and repeats every interval. */
  start(): void {
    const { nc, intervalMs } = this.#opts;
    this.#pings = nc.subscribe(Subject.presencePing, { callback: (_e, m) => this.#answer(m) });
    this.#timer = setInterval(() => this.#announce(), intervalMs ?? PRESENCE_INTERVAL_MS);
    this.#announce();
  }

  /** Says it is draining (it takes no new tasks and finishes what it holds). */
  draining(): void {
    this.#state = "draining";
    this.#announce();
  }

  /** Says it is gone and stops. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#pings?.unsubscribe();
    this.#state = "gone";
    this.#announce();
    await this.#opts.nc.flush().catch(() => undefined);
  }

  /** The presence as of now. */
  current(): Presence {
    return { ...this.#opts.identity, in_flight: this.#opts.inFlight(), state: this.#state, at: Date.now() };
  }

  #announce(): void {
    const { nc, identity } = this.#opts;
    if (nc.isClosed()) return;
    nc.publish(Subject.presence(identity.role), encode(this.current()));
  }

  #answer(msg: Msg): void {
    if (msg.reply) msg.respond(encode(this.current()));
  }
}

/** The tasks among a host's deliveries that are running (not those still being admitted). */
export function tasksInFlight(runs: Iterable<TaskRun | undefined>): TaskInFlight[] {
  const out: TaskInFlight[] = [];
  for (const r of runs) {
    if (!r) continue;
    const { workflow_id, run, task_id, kind, attempt } = r.task;
    out.push({ workflow_id, run, task_id, kind, attempt, since: r.startedAt });
  }
  return out;
}
