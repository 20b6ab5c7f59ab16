/** Human-readable lines for records and history entries. */
import type { HistoryEntry, PoolView, QueueDepth, WorkflowView } from "../../infra/client/index.ts";
import type { PendingTask } from "../../protocol/saga.ts";
import { Usage } from "../../protocol/usage.ts";
import { usageLine, usageText } from "./transcript.ts";

/** `HH:MM:SS.mmm` in UTC. */
export function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}

/** What one history entry did, in a few words. */
function describeEntry(e: HistoryEntry): string {
  const m = e.message;
  if (!m) return `undecodable message on ${e.subject}: ${e.invalid ?? ""}`;
  const err = e.error ? `: ${e.error.code} ${e.error.message}` : "";
  switch (m.type) {
    case "log/v1":
      return `[run ${m.data.run}] ${m.data.entries.map((x) => x.text).join("; ")}`;
    case "task.started/v1":
      return `task ${m.data.task_id} started on ${m.data.runner} (attempt ${m.data.attempt}, delivery ${m.data.delivery})`;
    case "task.completed/v1":
      return `task ${m.data.task_id} completed (attempt ${m.data.attempt})${usageOfOutput(m.data.output)}`;
    case "task.failed/v1":
      return `task ${m.data.task_id} failed (attempt ${m.data.attempt})${err}`;
    case "signal.received/v1":
      return `signal '${m.data.name}'`;
    case "timer.fired/v1":
      return `timers due by ${clock(m.data.at)} fired`;
    case "child.completed/v1":
      return `child ${m.data.child_id} completed`;
    case "child.failed/v1":
      return `child ${m.data.child_id} failed${err}`;
    default: {
      const _exhaustive: never = m;
      return String(_exhaustive);
    }
  }
}

/** ` — usage: …` when a task's output reports its model usage. */
function usageOfOutput(output: unknown): string {
  const usage = Usage.safeParse((output as { usage?: unknown } | null)?.usage);
  return usage.success ? ` — ${usageText(usage.data)}` : "";
}

/** One `show` line: number, time, step. */
export function historyLine(e: HistoryEntry): string {
  return `${String(e.number).padStart(4)}  ${clock(e.time)}  ${describeEntry(e)}`;
}

/** A few lines describing a record. */
export function statusLines(
  rec: WorkflowView,
  now = Date.now(),
  queues: Readonly<Record<string, QueueDepth>> = {},
): string[] {
  const lines = [
    `${rec.id}  ${rec.type} v${rec.version}  run ${rec.run}  ${rec.status}`,
    `started ${new Date(rec.created_at).toISOString()}  updated ${new Date(rec.updated_at).toISOString()}`,
  ];
  for (const [id, task] of Object.entries(rec.pending))
    lines.push(`pending: ${pendingLine(id, task, now, queues[task.role])}`);
  const timers = Object.entries(rec.timers).map(([id, due]) => `${id} at ${new Date(due).toISOString()}`);
  if (timers.length) lines.push(`timers: ${timers.join(", ")}`);
  for (const f of rec.compensation?.failures ?? [])
    lines.push(`compensation failed: ${f.task_id}: ${f.code} ${f.message}`);
  const usage = usageLine(rec.usage, rec.budget);
  if (usage !== undefined) lines.push(usage);
  if (rec.error) lines.push(`error: ${rec.error.code} ${rec.error.message}`);
  if (rec.result !== undefined) lines.push(`result: ${JSON.stringify(rec.result)}`);
  return lines;
}

/** Where one pending task is: queued (for how long, behind how many) or running (where, for how long). */
function pendingLine(id: string, task: PendingTask, now: number, queue?: QueueDepth): string {
  const what = `${id} (${task.role}/${task.kind}, attempt ${task.attempt})`;
  if (task.started) return `${what}: running on ${task.started.runner} for ${seconds(now - task.started.at)}`;
  const depth = queue ? `, ${queue.queued} task(s) queued for ${task.role}` : "";
  return `${what}: queued for ${seconds(now - task.dispatched_at)}${depth}`;
}

function seconds(ms: number): string {
  return `${Math.max(0, Math.round(ms / 100) / 10)} s`;
}

/** One line per role: tasks queued and held (running) in its pool. */
export function queueLines(queues: Readonly<Record<string, QueueDepth>>): string[] {
  return Object.entries(queues).map(
    ([role, q]) => `${role.padEnd(10)} ${String(q.queued).padStart(6)} queued ${String(q.running).padStart(6)} running`,
  );
}

/**
 * `queues --processes`: per role its queue (queued, running, redelivered), then one line per
 * live process (runner, state, tasks in flight of its concurrency) and one per task it runs.
 */
export function poolLines(pools: Readonly<Record<string, PoolView>>, now = Date.now()): string[] {
  return Object.entries(pools).flatMap(([role, p]) => [
    `${role.padEnd(10)} ${String(p.pending).padStart(6)} queued ${String(p.ack_pending).padStart(6)} running ${String(p.redelivered).padStart(6)} redelivered  ${p.processes.length} process(es)`,
    ...p.processes.flatMap((proc) => [
      `  ${proc.runner}  ${proc.state}  ${proc.in_flight.length}/${proc.concurrency} in flight  up ${seconds(now - proc.started_at)}`,
      ...proc.in_flight.map(
        (task) =>
          `    ${task.workflow_id}/${task.task_id} (${task.kind}, run ${task.run}, attempt ${task.attempt}) for ${seconds(now - task.since)}`,
      ),
    ]),
  ]);
}

/** One `list` row. */
export function listRow(rec: WorkflowView): string {
  return [
    rec.id.padEnd(36),
    rec.type.padEnd(16),
    rec.status.padEnd(12),
    `run ${rec.run}`.padEnd(7),
    new Date(rec.created_at).toISOString(),
  ].join(" ");
}

/** What an empty `list` page prints: `no workflows`, with the filters that left it empty. */
export function noWorkflowsLine(filter: { type?: string; status?: string; before?: number }): string {
  const given = [
    filter.type === undefined ? "" : `--type ${filter.type}`,
    filter.status === undefined ? "" : `--status ${filter.status}`,
    filter.before === undefined ? "" : `--before ${filter.before}`,
  ].filter(Boolean);
  return given.length ? `no workflows (${given.join(" ")})` : "no workflows";
}
