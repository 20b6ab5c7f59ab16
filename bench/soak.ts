// Soak benchmark: a real deployment (own nats-server, one coordinator, two checkers) under a
// fixed rate of bench-fanout workflows for a while (default 2 minutes at 100/s), reporting,
// per 15-second window, the latency p50/p99 and the resident memory of every process at the
// window's end (read without pausing the rate), so that a leak or a slow drift shows between
// the first and the last window. Figures only; nothing is asserted.
// Usage: PATH=$PWD/node_modules/.bin:$PATH node bench/soak.ts [--seconds 120] [--rate 100]
//   [--fanout 8] [--window 15] [--json]
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { PatchbayClient } from "../infra/client/index.ts";
import { startCluster, type Cluster } from "./lib/cluster.ts";
import { runOne, type Run, type Workload } from "./lib/drive.ts";
import { percentiles, round, table } from "./lib/stats.ts";
import { CompletionTracker } from "./lib/tracker.ts";

interface Options {
  seconds: number;
  rate: number;
  fanout: number;
  window: number;
  json: boolean;
}

/** One window of the soak: what completed in it, its latency and every process's memory at its end. */
interface Window {
  from_s: number;
  completed: number;
  other: number;
  p50_ms: number;
  p99_ms: number;
  rss_mb: Record<string, number>;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      seconds: { type: "string", default: "120" },
      rate: { type: "string", default: "100" },
      fanout: { type: "string", default: "8" },
      window: { type: "string", default: "15" },
      json: { type: "boolean", default: false },
    },
  });
  const num = (name: "seconds" | "rate" | "fanout" | "window"): number => {
    const n = Number(values[name]);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name}: expected a positive number, got '${values[name]}'`);
    return n;
  };
  return {
    seconds: num("seconds"),
    rate: num("rate"),
    fanout: num("fanout"),
    window: num("window"),
    json: values.json,
  };
}

/** Resident memory (MB) of `pid`, from /proc; NaN when unavailable. */
async function rssMb(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    return round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024, 1);
  } catch {
    return Number.NaN;
  }
}

async function memory(cluster: Cluster): Promise<Record<string, number>> {
  const entries = await Promise.all(cluster.processes.map(async (p) => [p.name, await rssMb(p.pid)] as const));
  return Object.fromEntries(entries);
}

/**
 * Starts workflows at a fixed rate for `seconds`. At each window's end it only reads memory,
 * so the rate holds; the window's latencies are gathered once its runs finish.
 */
async function soak(cluster: Cluster, w: Workload, opts: Options): Promise<Window[]> {
  const windows: Array<Promise<Window>> = [];
  let inWindow: Array<Promise<Run>> = [];
  const t0 = performance.now();
  const total = Math.round(opts.seconds * opts.rate);
  let nextWindow = opts.window;
  for (let i = 0; i < total; i++) {
    const due = t0 + (i / opts.rate) * 1_000;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inWindow.push(runOne(w, i));
    if ((performance.now() - t0) / 1_000 >= nextWindow || i === total - 1) {
      windows.push(closeWindow(inWindow, nextWindow - opts.window, await memory(cluster)));
      inWindow = [];
      nextWindow += opts.window;
    }
  }
  return await Promise.all(windows);
}

async function closeWindow(started: Array<Promise<Run>>, from: number, rss: Record<string, number>): Promise<Window> {
  const runs = await Promise.all(started);
  const done = runs.filter((r) => r.ending === "completed").map((r) => r.ms);
  const p = percentiles(done);
  return {
    from_s: round(from, 0),
    completed: done.length,
    other: runs.length - done.length,
    p50_ms: round(p.p50),
    p99_ms: round(p.p99),
    rss_mb: rss,
  };
}

function print(windows: Window[], opts: Options): void {
  const names = Object.keys(windows[0]?.rss_mb ?? {});
  console.log(
    `soak: bench-fanout F=${opts.fanout} at ${opts.rate}/s for ${opts.seconds} s, windows of ${opts.window} s\n`,
  );
  const rows: Array<readonly [string, string]> = [
    ["from s", `done  other  p50 ms  p99 ms  | RSS MB: ${names.join(" / ")}`],
  ];
  for (const w of windows) {
    const rss = names.map((n) => String(w.rss_mb[n])).join(" / ");
    rows.push([String(w.from_s), `${w.completed}  ${w.other}  ${w.p50_ms}  ${w.p99_ms}  | ${rss}`]);
  }
  console.log(table(rows));
}

async function main(): Promise<void> {
  const opts = options();
  const cluster = await startCluster({ coordinators: 1, checkers: 2, checkerConcurrency: 64 });
  const client = new PatchbayClient(cluster.nc);
  const tracker = new CompletionTracker(cluster.nc);
  try {
    const w: Workload = {
      client,
      tracker,
      type: "bench-fanout",
      input: { fanout: opts.fanout },
      prefix: `soak-${Date.now()}`,
      timeoutMs: 60_000,
    };
    const windows = await soak(cluster, w, opts);
    if (opts.json) console.log(JSON.stringify({ options: opts, windows, notes: cluster.notes }));
    else print(windows, opts);
  } finally {
    tracker.close();
    client.close();
    await cluster.stop();
  }
}

await main();
