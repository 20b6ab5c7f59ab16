/**
 * Driving bench-fanout workflows: one at a time (latency) or with a fixed number outstanding
 * (throughput). A workflow's time is from just before its start is published to the arrival
 * of its terminal log message.
 */
import type { PatchbayClient } from "../../infra/client/index.ts";
import type { CompletionTracker, Ending } from "./tracker.ts";

/** What one workflow run costs and how it ended. */
export interface Run {
  ms: number;
  ending: Ending;
  code?: string;
}

/** The workload: workflow type, input, id prefix, per-workflow deadline. */
export interface Workload {
  client: PatchbayClient;
  tracker: CompletionTracker;
  type: string;
  input: unknown;
  prefix: string;
  timeoutMs: number;
}

/** Starts workflow `i` of the workload and resolves when it has ended. */
export async function runOne(w: Workload, i: number): Promise<Run> {
  const id = `${w.prefix}-${i}`;
  const ended = w.tracker.expect(id, w.timeoutMs);
  const t0 = performance.now();
  try {
    await w.client.start(w.type, w.input, { id });
  } catch (err) {
    return { ms: performance.now() - t0, ending: "failed", code: (err as { code?: string }).code ?? "START_REFUSED" };
  }
  const out = await ended;
  return { ms: out.at - t0, ending: out.ending, ...(out.code ? { code: out.code } : {}) };
}

/** Runs `count` workflows one after another. */
export async function runSequential(w: Workload, count: number): Promise<Run[]> {
  const runs: Run[] = [];
  for (let i = 0; i < count; i++) runs.push(await runOne(w, i));
  return runs;
}

/** Runs `total` workflows keeping `inFlight` outstanding; returns the runs and the wall time. */
export async function runWindow(w: Workload, total: number, inFlight: number): Promise<{ runs: Run[]; ms: number }> {
  const runs: Run[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(inFlight, total) }, async () => {
      while (next < total) runs.push(await runOne(w, next++));
    }),
  );
  return { runs, ms: performance.now() - t0 };
}

/** How many runs ended each way other than `completed`, e.g. `{timeout: 2}`. */
export function anomalies(runs: readonly Run[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of runs) {
    if (r.ending === "completed") continue;
    const key = r.code ? `${r.ending}:${r.code}` : r.ending;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}
