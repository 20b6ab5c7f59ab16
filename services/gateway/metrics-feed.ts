/**
 * The pure part of the gateway's metrics (docs/metrics.md): saga record writes in, counters
 * and histograms out. It keeps a slim copy of the last record of each running workflow (its
 * pending tasks and usage, nothing else) and diffs each new write against it; an ended
 * workflow is forgotten. No I/O: metrics.ts feeds it every write of `sagas` and `ended`.
 *
 * - Started: run 1 of a workflow created (coordinator clock) at or after `since`, counted at its
 *   second write or its end. A workflow first seen mid-run, or a reset's later run, is not a
 *   start; neither is a lone first write (the create of an already ended id, which the
 *   coordinator purges at once: a start published again after the duplicate window). A
 *   tracked record replaced by one with another `created_at` was such a create: dropped.
 * - Ended: a terminal record written at or after `since`, once per (id, run): the copy written
 *   to `ended` is recognised by a bounded set of recently ended runs.
 * - A pending task that leaves the record (or comes back as a later attempt) has ended at that
 *   write: `dropped` when the run changed or the workflow was cancelled while running;
 *   `queue_timeout` / `timeout` when the write came at or after its deadline (never started /
 *   started); `settled` otherwise (its result was applied, or the workflow ended around it).
 * - Usage: the growth of `record.usage` between writes of a workflow, counted from zero for a
 *   run counted as started, from the first record seen otherwise; a drop (a reset) adds nothing.
 */
import { Counter, Histogram, type Registry } from "prom-client";
import { TERMINAL, type SagaRecord, type SagaStatus } from "../../protocol/saga.ts";
import { NO_USAGE, type Usage } from "../../protocol/usage.ts";

/** How a task's attempt ended, as far as the record shows. */
export type TaskOutcome = "settled" | "timeout" | "queue_timeout" | "dropped";

/** The metrics the feed moves. */
export interface FeedMetrics {
  started: Counter<"type">;
  ended: Counter<"type" | "status">;
  workflowSeconds: Histogram<"type" | "status">;
  taskSeconds: Histogram<"role" | "kind" | "outcome">;
  taskRunSeconds: Histogram<"role" | "kind">;
  tokens: Counter<"type" | "kind">;
  requests: Counter<"type">;
  costUsd: Counter<"type">;
}

/** Buckets of a workflow's duration: seconds to a day. */
const WORKFLOW_BUCKETS = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1_800, 3_600, 7_200, 14_400, 43_200, 86_400];
/** Buckets of a task's duration: tens of milliseconds to hours. */
const TASK_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1_800, 3_600, 7_200];
/** Ended runs remembered to recognise the second copy of a terminal record. */
const ENDED_MEMORY = 10_000;

/** Registers the feed's metrics on `registry`. */
export function feedMetrics(registry: Registry): FeedMetrics {
  const registers = [registry];
  return {
    started: new Counter({
      name: "patchbay_workflows_started_total",
      help: "Workflows started since this gateway started, by type.",
      labelNames: ["type"],
      registers,
    }),
    ended: new Counter({
      name: "patchbay_workflows_ended_total",
      help: "Workflow runs ended since this gateway started, by type and status (completed, failed, cancelled).",
      labelNames: ["type", "status"],
      registers,
    }),
    workflowSeconds: new Histogram({
      name: "patchbay_workflow_duration_seconds",
      help: "Duration of ended workflows, created to ended, in seconds.",
      labelNames: ["type", "status"],
      buckets: WORKFLOW_BUCKETS,
      registers,
    }),
    taskSeconds: new Histogram({
      name: "patchbay_task_duration_seconds",
      help: "Duration of task attempts, dispatched to ended, in seconds, by outcome (settled, timeout, queue_timeout, dropped).",
      labelNames: ["role", "kind", "outcome"],
      buckets: TASK_BUCKETS,
      registers,
    }),
    taskRunSeconds: new Histogram({
      name: "patchbay_task_run_seconds",
      help: "Running time of task attempts an actor reported started, started to ended, in seconds.",
      labelNames: ["role", "kind"],
      buckets: TASK_BUCKETS,
      registers,
    }),
    ...usageMetrics(registers),
  };
}

function usageMetrics(registers: Registry[]): Pick<FeedMetrics, "tokens" | "requests" | "costUsd"> {
  return {
    tokens: new Counter({
      name: "patchbay_model_tokens_total",
      help: "Model tokens workflows' tasks reported, by workflow type and kind (input, output).",
      labelNames: ["type", "kind"],
      registers,
    }),
    requests: new Counter({
      name: "patchbay_model_requests_total",
      help: "Model requests workflows' tasks reported, by workflow type.",
      labelNames: ["type"],
      registers,
    }),
    costUsd: new Counter({
      name: "patchbay_model_cost_usd_total",
      help: "Estimated model cost in US dollars workflows' tasks reported, by workflow type.",
      labelNames: ["type"],
      registers,
    }),
  };
}

/** What the feed keeps of a pending task. */
interface TrackedTask {
  role: string;
  kind: string;
  attempt: number;
  dispatched_at: number;
  deadline: number;
  started_at?: number;
}

/** What the feed keeps of a running workflow's last record. */
interface Tracked {
  type: string;
  run: number;
  created_at: number;
  /** Seen once, created since the metrics started: a start once written again (or ended). */
  unconfirmed: boolean;
  status: SagaStatus;
  usage: Usage;
  pending: Map<string, TrackedTask>;
}

/** Saga record writes in, metrics out. */
export class RecordFeed {
  readonly #metrics: FeedMetrics;
  readonly #since: number;
  readonly #running = new Map<string, Tracked>();
  /** `<id>/<run>` of recently ended runs, oldest first. */
  readonly #ended = new Set<string>();
  /** Every workflow type seen (as many as the deployment registers). */
  readonly #types = new Set<string>();

  /** `since`: when the gateway began to watch (epoch ms); workflows created before are not starts. */
  constructor(metrics: FeedMetrics, since: number) {
    this.#metrics = metrics;
    this.#since = since;
  }

  /** One write of a record, from `sagas` or `ended`. */
  observe(rec: SagaRecord): void {
    if (this.#ended.has(runKey(rec.id, rec.run))) return;
    this.#types.add(rec.type);
    const tracked = this.#running.get(rec.id);
    const prev = tracked?.created_at === rec.created_at ? tracked : undefined;
    const fresh = prev ? prev.unconfirmed : rec.run === 1 && rec.created_at >= this.#since;
    const terminal = TERMINAL.has(rec.status);
    if (fresh && (prev || terminal)) this.#metrics.started.inc({ type: rec.type });
    if (prev) this.#endTasks(prev, rec);
    const usage = rec.usage ?? NO_USAGE;
    if (prev || fresh) this.#addUsage(rec.type, prev?.usage ?? NO_USAGE, usage);
    if (terminal) return this.#end(rec);
    this.#running.set(rec.id, {
      type: rec.type,
      run: rec.run,
      created_at: rec.created_at,
      unconfirmed: fresh && !prev,
      status: rec.status,
      usage,
      pending: tasksOf(rec),
    });
  }

  /** `id` is no longer in `sagas` (a delete or purge marker, or the reconcile found it nowhere). */
  removed(id: string): void {
    this.#running.delete(id);
  }

  /** Whether the feed tracks `id` as running. */
  tracks(id: string): boolean {
    return this.#running.has(id);
  }

  /** The ids of the workflows it tracks as running. */
  trackedIds(): string[] {
    return [...this.#running.keys()];
  }

  /** How many workflows of each type seen it tracks as running (0 for a type with none). */
  runningByType(): Map<string, number> {
    const counts = new Map([...this.#types].map((type) => [type, 0]));
    for (const { type } of this.#running.values()) counts.set(type, (counts.get(type) ?? 0) + 1);
    return counts;
  }

  #end(rec: SagaRecord): void {
    this.#running.delete(rec.id);
    if (rec.updated_at >= this.#since) {
      const labels = { type: rec.type, status: rec.status };
      this.#metrics.ended.inc(labels);
      this.#metrics.workflowSeconds.observe(labels, seconds(rec.updated_at - rec.created_at));
    }
    this.#ended.add(runKey(rec.id, rec.run));
    if (this.#ended.size > ENDED_MEMORY) this.#ended.delete(this.#ended.values().next().value as string);
  }

  #endTasks(prev: Tracked, next: SagaRecord): void {
    for (const [taskId, task] of prev.pending) {
      const now = next.run === prev.run ? next.pending[taskId] : undefined;
      if (now && now.attempt === task.attempt && now.dispatched_at === task.dispatched_at) continue;
      const end = next.updated_at;
      const outcome = outcomeOf(task, prev, next);
      this.#metrics.taskSeconds.observe(
        { role: task.role, kind: task.kind, outcome },
        seconds(end - task.dispatched_at),
      );
      if (task.started_at !== undefined)
        this.#metrics.taskRunSeconds.observe({ role: task.role, kind: task.kind }, seconds(end - task.started_at));
    }
  }

  #addUsage(type: string, before: Usage, after: Usage): void {
    // Cost is rounded to micro-dollars, as the record adds it up (protocol/usage.ts).
    const grew = (field: keyof Usage) => Math.max(0, Math.round((after[field] - before[field]) * 1e6) / 1e6);
    if (grew("input_tokens") > 0) this.#metrics.tokens.inc({ type, kind: "input" }, grew("input_tokens"));
    if (grew("output_tokens") > 0) this.#metrics.tokens.inc({ type, kind: "output" }, grew("output_tokens"));
    if (grew("requests") > 0) this.#metrics.requests.inc({ type }, grew("requests"));
    if (grew("cost_usd") > 0) this.#metrics.costUsd.inc({ type }, grew("cost_usd"));
  }
}

/** How a pending attempt that left the record between `prev` and `next` ended. */
function outcomeOf(task: TrackedTask, prev: Tracked, next: SagaRecord): TaskOutcome {
  if (next.run !== prev.run || (next.status === "cancelled" && prev.status === "running")) return "dropped";
  if (next.updated_at >= task.deadline) return task.started_at === undefined ? "queue_timeout" : "timeout";
  return "settled";
}

function tasksOf(rec: SagaRecord): Map<string, TrackedTask> {
  const tasks = new Map<string, TrackedTask>();
  for (const [taskId, t] of Object.entries(rec.pending)) {
    tasks.set(taskId, {
      role: t.role,
      kind: t.kind,
      attempt: t.attempt,
      dispatched_at: t.dispatched_at,
      deadline: t.deadline,
      ...(t.started ? { started_at: t.started.at } : {}),
    });
  }
  return tasks;
}

function runKey(id: string, run: number): string {
  return `${id}/${run}`;
}

function seconds(ms: number): number {
  return Math.max(0, ms) / 1000;
}
