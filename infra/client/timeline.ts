/**
 * A workflow run's timeline, derived from its history: one bar per task attempt from its
 * dispatch (the coordinator's `scheduled`, `redispatched` or `compensating` log entry) to its
 * result (`task.completed` / `task.failed`, or a deadline logged by the coordinator), with the
 * moment an actor started it. Pure: the console draws it, tests check it.
 */
import type { HistoryEntry } from "../nats/history.ts";
import type { SagaRecord } from "../../protocol/saga.ts";

/** How a task attempt ended, or that it has not. */
export type BarOutcome = "completed" | "failed" | "timed out" | "replaced" | "running";

/** One task attempt on the timeline. */
export interface TimelineBar {
  task_id: string;
  role: string;
  kind: string;
  attempt: number;
  /** When the coordinator dispatched it (epoch ms). */
  dispatched_at: number;
  /** When an actor started it, if one reported it. */
  started_at?: number;
  /** When its result (or deadline) was recorded; absent while it runs. */
  ended_at?: number;
  outcome: BarOutcome;
  /** The process that ran it (`<host>:<pid>`), when it reported its start. */
  runner?: string;
  /** The delivery that started it; above 1 when an earlier runner died holding it. */
  delivery?: number;
  /** The step it undoes, when it is a compensation. */
  compensates?: string;
  /** `CODE message` of a failure. */
  error?: string;
}

/** The bars of one role, in dispatch order. */
export interface TimelineGroup {
  role: string;
  bars: TimelineBar[];
}

/** A run's timeline: its span and its bars grouped by role. */
export interface Timeline {
  run: number;
  from: number;
  to: number;
  groups: TimelineGroup[];
}

interface DispatchData {
  task_id: string;
  role: string;
  kind: string;
  attempt: number;
  compensates?: string;
}

/** The timeline of the record's current run; running bars end at `now`. */
export function timelineOf(
  rec: Pick<SagaRecord, "run" | "created_at">,
  history: HistoryEntry[],
  now: number,
): Timeline {
  const bars = new Map<string, TimelineBar>();
  const key = (taskId: string, attempt: number) => `${taskId}#${attempt}`;
  for (const entry of history) applyEntry(entry, rec.run, bars, key);
  const list = [...bars.values()];
  const from = Math.min(rec.created_at, ...list.map((b) => b.dispatched_at));
  const to = Math.max(from + 1, ...list.map((b) => b.ended_at ?? now));
  const roles = [...new Set(list.map((b) => b.role))];
  return { run: rec.run, from, to, groups: roles.map((role) => ({ role, bars: list.filter((b) => b.role === role) })) };
}

function applyEntry(
  entry: HistoryEntry,
  run: number,
  bars: Map<string, TimelineBar>,
  key: (taskId: string, attempt: number) => string,
): void {
  const msg = entry.message;
  if (!msg || (msg.data.run !== run && msg.data.run !== 0)) return;
  const at = msg.data.at;
  if (msg.type === "log/v1") {
    for (const e of msg.data.entries) applyLogEntry(e, at, bars, key);
    return;
  }
  if (msg.type === "task.started/v1") {
    const bar = bars.get(key(msg.data.task_id, msg.data.attempt));
    if (bar) Object.assign(bar, { started_at: msg.data.at, runner: msg.data.runner, delivery: msg.data.delivery });
    return;
  }
  if (msg.type === "task.completed/v1" || msg.type === "task.failed/v1") {
    const bar = bars.get(key(msg.data.task_id, msg.data.attempt));
    if (!bar || bar.ended_at !== undefined) return;
    bar.ended_at = at;
    bar.outcome = msg.type === "task.completed/v1" ? "completed" : "failed";
    if (entry.error) bar.error = `${entry.error.code} ${entry.error.message}`;
  }
}

function applyLogEntry(
  e: { step: string; text: string; data?: unknown },
  at: number,
  bars: Map<string, TimelineBar>,
  key: (taskId: string, attempt: number) => string,
): void {
  if (e.step === "scheduled" || e.step === "redispatched" || e.step === "compensating") {
    const d = dispatchData(e);
    if (!d) return;
    const previous = bars.get(key(d.task_id, d.attempt - 1));
    if (previous && previous.ended_at === undefined) Object.assign(previous, { ended_at: at, outcome: "replaced" });
    bars.set(key(d.task_id, d.attempt), {
      task_id: d.task_id,
      role: d.role,
      kind: d.kind,
      attempt: d.attempt,
      dispatched_at: at,
      outcome: "running",
      ...(d.compensates ? { compensates: d.compensates } : {}),
    });
    return;
  }
  if (e.step === "task.timeout" || e.step === "task.queue_timeout") {
    const d = e.data as { task_id?: string; attempt?: number } | undefined;
    const bar = d?.task_id === undefined ? undefined : bars.get(key(d.task_id, d.attempt ?? 1));
    if (bar && bar.ended_at === undefined) Object.assign(bar, { ended_at: at, outcome: "timed out", error: e.text });
  }
}

/** What a dispatch log entry names: its data, or for entries logged before they carried data, its text. */
function dispatchData(e: { step: string; text: string; data?: unknown }): DispatchData | undefined {
  const d = e.data as Partial<DispatchData> | undefined;
  if (d?.task_id && d.role && d.kind) return { attempt: 1, ...d } as DispatchData;
  if (e.step !== "scheduled") return undefined;
  const m = /^(\S+) → ([^/\s]+)\/(\S+)$/.exec(e.text);
  return m ? { task_id: m[1], role: m[2], kind: m[3], attempt: 1 } : undefined;
}
