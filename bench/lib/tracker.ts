/**
 * Completion tracking for benchmarks: one core subscription on every workflow's log subject;
 * the coordinator's log message with a `completed`, `failed` or `cancelled` entry ends the
 * wait. No KV reads and no per-workflow subscriptions, so the figures are the system's.
 */
import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import { decodeRaw } from "../../protocol/codec.ts";
import { Header, Subject, lastToken } from "../../protocol/subjects.ts";

/** How a tracked workflow ended (`timeout`: no terminal log line within the deadline). */
export type Ending = "completed" | "failed" | "cancelled" | "timeout";

/** A workflow's end as the tracker saw it. */
export interface Outcome {
  ending: Ending;
  /** performance.now() when the terminal log message arrived (or the deadline passed). */
  at: number;
  /** Error code from the log's headers, for failed or cancelled workflows. */
  code?: string;
}

const ENDINGS: ReadonlySet<string> = new Set(["completed", "failed", "cancelled"]);

interface Waiter {
  resolve: (o: Outcome) => void;
  timer: NodeJS.Timeout;
}

/** Follows `workflow.log.>` and resolves one promise per expected workflow. */
export class CompletionTracker {
  readonly #sub: Subscription;
  readonly #waiters = new Map<string, Waiter>();
  /** Log messages that could not be decoded. */
  undecodable = 0;

  constructor(nc: NatsConnection) {
    this.#sub = nc.subscribe(Subject.allLogs, {
      callback: (err, msg) => {
        if (err) return;
        const id = lastToken(msg.subject);
        if (!this.#waiters.has(id)) return;
        const ending = terminalStep(msg.data);
        if (ending === null) this.undecodable += 1;
        else if (ending)
          this.#settle(id, { ending, at: performance.now(), ...codeOf(msg.headers?.get(Header.ErrorCode)) });
      },
    });
  }

  /** Registers `id` before its start is published; resolves when it ends or after `timeoutMs`. */
  expect(id: string, timeoutMs: number): Promise<Outcome> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#settle(id, { ending: "timeout", at: performance.now() }), timeoutMs);
      this.#waiters.set(id, { resolve, timer });
    });
  }

  #settle(id: string, outcome: Outcome): void {
    const w = this.#waiters.get(id);
    if (!w) return;
    this.#waiters.delete(id);
    clearTimeout(w.timer);
    w.resolve(outcome);
  }

  /** Stops following (waiters still open resolve as timeouts). */
  close(): void {
    this.#sub.unsubscribe();
    for (const id of [...this.#waiters.keys()]) this.#settle(id, { ending: "timeout", at: performance.now() });
  }
}

/** The terminal step of a log message, undefined when it has none, null when undecodable. */
function terminalStep(data: Uint8Array): Exclude<Ending, "timeout"> | undefined | null {
  try {
    const msg = decodeRaw(data) as { data?: { entries?: Array<{ step?: string }> } };
    const entries = msg.data?.entries;
    if (!Array.isArray(entries)) return null;
    for (const e of entries) if (e.step && ENDINGS.has(e.step)) return e.step as Exclude<Ending, "timeout">;
    return undefined;
  } catch {
    return null;
  }
}

function codeOf(code: string | undefined): { code?: string } {
  return code ? { code } : {};
}
