// Orchestration benchmark: a real deployment (own nats-server on a temp store, one coordinator
// and two checker processes), bench-fanout workflows one at a time (latency) and with a fixed
// number in flight (throughput), then the raw JetStream floor on the same server (async
// publishes, KV compare-and-set) and patchbay's figures as ratios against it. Prints figures
// only; nothing is asserted on time.
// Usage: PATH=$PWD/node_modules/.bin:$PATH node bench/orchestration.ts [--fanout 8]
//   [--sequential 200] [--total 3000] [--in-flight 64] [--warmup 200] [--checkers 2]
//   [--checker-concurrency 64] [--floor-seconds 3] [--cpu-prof DIR] [--node-options=STR] [--json]
// --cpu-prof DIR: the children write V8 CPU profiles to DIR when they stop; --node-options=STR:
// extra NODE_OPTIONS for the children (experiments such as --stack-trace-limit=0).
import { availableParallelism, cpus, loadavg } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { PatchbayClient } from "../infra/client/index.ts";
import { cpuDelta, cpuSnapshot, startCluster, type Cluster } from "./lib/cluster.ts";
import { anomalies, runSequential, runWindow, type Run, type Workload } from "./lib/drive.ts";
import { measureFloor, type Floor } from "./lib/floor.ts";
import { buildSummary, printTable, type BenchShape, type Measured } from "./lib/orchestration-report.ts";
import { dlqCount, seqDelta, seqSnapshot, splitDelta } from "./lib/streams.ts";
import { CompletionTracker } from "./lib/tracker.ts";

/** Parsed command line. */
export interface Options extends BenchShape {
  floorSeconds: number;
  timeoutMs: number;
  cpuProfDir?: string;
  nodeOptions?: string;
  json: boolean;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      fanout: { type: "string", default: "8" },
      sequential: { type: "string", default: "200" },
      total: { type: "string", default: "3000" },
      "in-flight": { type: "string", default: "64" },
      warmup: { type: "string", default: "200" },
      coordinators: { type: "string", default: "1" },
      checkers: { type: "string", default: "2" },
      "checker-concurrency": { type: "string", default: "64" },
      "floor-seconds": { type: "string", default: "3" },
      "timeout-ms": { type: "string", default: "30000" },
      "cpu-prof": { type: "string" },
      "node-options": { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const int = (name: keyof typeof values, min: number): number => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min)
      throw new Error(`--${name}: expected an integer ≥ ${min}, got '${String(values[name])}'`);
    return n;
  };
  return {
    fanout: int("fanout", 1),
    sequential: int("sequential", 1),
    total: int("total", 1),
    inFlight: int("in-flight", 1),
    warmup: int("warmup", 0),
    coordinators: int("coordinators", 1),
    checkers: int("checkers", 1),
    checkerConcurrency: int("checker-concurrency", 1),
    floorSeconds: int("floor-seconds", 1),
    timeoutMs: int("timeout-ms", 100),
    ...(values["cpu-prof"] ? { cpuProfDir: resolve(values["cpu-prof"]) } : {}),
    ...(values["node-options"] ? { nodeOptions: values["node-options"] } : {}),
    json: values.json ?? false,
  };
}

function workload(cluster: Cluster, tracker: CompletionTracker, opts: Options, prefix: string): Workload {
  return {
    client: new PatchbayClient(cluster.nc),
    tracker,
    type: "bench-fanout",
    prefix,
    timeoutMs: opts.timeoutMs,
    input: { fanout: opts.fanout, payload_bytes: 0, task_timeout_ms: 60_000 },
  };
}

/** Warm-up (JIT, consumers, caches), then the sequential latency run. */
async function latencyPhase(
  cluster: Cluster,
  tracker: CompletionTracker,
  opts: Options,
): Promise<{ warm: Run[]; runs: Run[] }> {
  const warm =
    opts.warmup > 0
      ? (await runWindow(workload(cluster, tracker, opts, "warm"), opts.warmup, Math.min(16, opts.inFlight))).runs
      : [];
  warm.push(...(await runSequential(workload(cluster, tracker, opts, "warm-seq"), Math.min(20, opts.warmup))));
  const runs = await runSequential(workload(cluster, tracker, opts, "seq"), opts.sequential);
  return { warm, runs };
}

/** The throughput run, with stream sequences and CPU seconds taken around it. */
async function throughputPhase(cluster: Cluster, tracker: CompletionTracker, opts: Options): Promise<Measured> {
  const seq0 = await seqSnapshot(cluster.nc);
  const cpu0 = await cpuSnapshot(cluster.processes);
  const { runs, ms } = await runWindow(workload(cluster, tracker, opts, "tput"), opts.total, opts.inFlight);
  const cpu1 = await cpuSnapshot(cluster.processes);
  const delta = seqDelta(seq0, await seqSnapshot(cluster.nc));
  return { runs, ms, stored: delta, ...splitDelta(delta), cpu: cpuDelta(cpu0, cpu1) };
}

async function measureAll(cluster: Cluster, opts: Options): Promise<void> {
  const loadAverage = Math.round(loadavg()[0] * 100) / 100;
  const tracker = new CompletionTracker(cluster.nc);
  try {
    const latency = await latencyPhase(cluster, tracker, opts);
    const throughput = await throughputPhase(cluster, tracker, opts);
    await new Promise((r) => setTimeout(r, 1_000)); // let the outbox sweeper settle before the floor
    const floor: Floor = await measureFloor(cluster.nc, {
      seconds: opts.floorSeconds,
      publishInFlight: Math.max(64, opts.inFlight),
      kvKeys: 64,
      publishBytes: 128,
      kvBytes: 512,
      rttSamples: 300,
    });
    const summary = buildSummary({
      opts,
      latency: latency.runs,
      throughput,
      floor,
      env: {
        cpus: availableParallelism(),
        cpuModel: cpus()[0]?.model ?? "unknown",
        node: process.version,
        loadAverage,
      },
      oddities: {
        warmup: anomalies(latency.warm),
        sequential: anomalies(latency.runs),
        throughput: anomalies(throughput.runs),
        dlqMessages: await dlqCount(cluster.nc),
        undecodableLogs: tracker.undecodable,
        processOutput: cluster.notes.slice(0, 20),
      },
    });
    if (opts.json) console.log(JSON.stringify(summary));
    else printTable(summary);
  } finally {
    tracker.close();
  }
}

async function main(): Promise<void> {
  const opts = options();
  const log = (line: string) => {
    if (!opts.json) console.error(line);
  };
  log(`starting nats-server, ${opts.coordinators} coordinator and ${opts.checkers} checker processes…`);
  const cluster = await startCluster(opts);
  const onSignal = () => void cluster.stop().finally(() => process.exit(130));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    log(`ready (${cluster.processes.map((p) => `${p.name}=${p.pid}`).join(" ")}); measuring…`);
    await measureAll(cluster, opts);
  } finally {
    await cluster.stop();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  if (opts.cpuProfDir) log(`CPU profiles of the children written to ${opts.cpuProfDir}`);
}

await main();
