/** The orchestration benchmark's figures: one summary object (the `--json` output) and its table. */
import type { Run } from "./drive.ts";
import type { Floor } from "./floor.ts";
import type { SeqSnapshot } from "./streams.ts";
import { percentiles, round, roundPercentiles, table, type Percentiles } from "./stats.ts";

/** The throughput phase as measured. */
export interface Measured {
  runs: Run[];
  ms: number;
  /** Messages stored per stream during the phase. */
  stored: SeqSnapshot;
  streamMessages: number;
  kvWrites: number;
  dlq: number;
  /** CPU seconds per process during the phase. */
  cpu: Record<string, number>;
}

/** Goals of the issue (reported, never asserted) and the reference designs. */
export const GOALS = { p50Ms: 6, workflowsPerSec: 700 } as const;
export const REFERENCES = {
  minimalDurableJetStream: { p50Ms: 4.7, workflowsPerSec: 680 },
  bullmqFlows: { p50Ms: 7.6, workflowsPerSec: 470 },
} as const;

/** The run's shape as the summary records it in `config`. */
export interface BenchShape {
  fanout: number;
  sequential: number;
  total: number;
  inFlight: number;
  warmup: number;
  coordinators: number;
  checkers: number;
  checkerConcurrency: number;
}

/** Everything {@link buildSummary} needs. */
export interface SummaryInput {
  opts: BenchShape;
  latency: Run[];
  throughput: Measured;
  floor: Floor;
  env: { cpus: number; cpuModel: string; node: string; loadAverage: number };
  oddities: Record<string, unknown>;
}

function completedMs(runs: readonly Run[]): number[] {
  return runs.filter((r) => r.ending === "completed").map((r) => r.ms);
}

/** The figures as one plain object. */
export function buildSummary(input: SummaryInput) {
  const { opts, throughput: t, floor } = input;
  const seconds = t.ms / 1_000;
  const done = completedMs(t.runs).length;
  const wfPerSec = done / seconds;
  const perWf = (n: number) => (done ? n / done : Number.NaN);
  const latency: Percentiles = percentiles(completedMs(input.latency));
  const streamPerSec = t.streamMessages / seconds;
  const kvPerSec = t.kvWrites / seconds;
  const { machine, ...cpu } = t.cpu;
  const cpuTotal = Object.values(cpu).reduce((a, b) => a + (Number.isNaN(b) ? 0 : b), 0);
  return {
    config: { ...opts, ...input.env },
    latency: {
      workflows: input.latency.length,
      completed: completedMs(input.latency).length,
      ms: roundPercentiles(latency),
    },
    throughput: {
      workflows: t.runs.length,
      completed: done,
      seconds: round(seconds, 3),
      workflowsPerSec: round(wfPerSec, 1),
      tasksPerSec: round(wfPerSec * opts.fanout, 1),
      latencyUnderLoadMs: roundPercentiles(percentiles(completedMs(t.runs))),
      streamMessagesPerWorkflow: round(perWf(t.streamMessages)),
      kvWritesPerWorkflow: round(perWf(t.kvWrites)),
      storedPerStream: t.stored,
      streamMessagesPerSec: round(streamPerSec, 0),
      kvWritesPerSec: round(kvPerSec, 0),
      cpuSeconds: cpu,
      cpuUtilisation: round(cpuTotal / seconds),
      cpuMsPerWorkflow: round(perWf(cpuTotal * 1_000)),
      /** CPU seconds other processes of the machine used meanwhile (0 on a quiet machine). */
      otherCpuSeconds: round(Math.max(0, (machine ?? Number.NaN) - cpuTotal)),
    },
    floor: {
      publishPerSec: round(floor.publishPerSec, 0),
      publishMsgIdPerSec: round(floor.publishMsgIdPerSec, 0),
      kvUpdatePerSec: round(floor.kvUpdatePerSec, 0),
      publishRttMs: roundPercentiles(floor.publishRtt, 3),
      kvUpdateRttMs: roundPercentiles(floor.kvUpdateRtt, 3),
    },
    ratios: {
      streamMessagesVsPublishFloor: round(streamPerSec / floor.publishMsgIdPerSec, 3),
      allWritesVsPublishFloor: round((streamPerSec + kvPerSec) / floor.publishMsgIdPerSec, 3),
      kvWritesVsKvFloor: round(kvPerSec / floor.kvUpdatePerSec, 3),
      workflowsPerSecCeilingFromPublishFloor: round(floor.publishMsgIdPerSec / perWf(t.streamMessages + t.kvWrites), 0),
      p50VsPublishRtt: round(latency.p50 / floor.publishRtt.p50, 1),
    },
    goals: { ...GOALS, p50Met: latency.p50 <= GOALS.p50Ms, throughputMet: wfPerSec >= GOALS.workflowsPerSec },
    references: REFERENCES,
    oddities: input.oddities,
  };
}

/** The summary's type. */
export type Summary = ReturnType<typeof buildSummary>;

const ms = (p: Percentiles) => `p50 ${p.p50}  p90 ${p.p90}  p99 ${p.p99}  max ${p.max} ms`;

/** Prints the summary as a readable table. */
export function printTable(s: Summary): void {
  const c = s.config;
  const t = s.throughput;
  console.log(
    `orchestration bench: bench-fanout F=${c.fanout}, ${c.coordinators} coordinator, ${c.checkers} checkers (concurrency ${c.checkerConcurrency}), ${c.cpus} cores, Node ${c.node}`,
  );
  console.log(
    `\nlatency, one at a time (${s.latency.completed}/${s.latency.workflows} completed, after ${c.warmup} warm-up)`,
  );
  console.log(
    table([
      ["start → completed", ms(s.latency.ms)],
      ["goal", `p50 ≤ ${s.goals.p50Ms} ms: ${s.goals.p50Met ? "met" : "not met"}`],
    ]),
  );
  console.log(`\nthroughput, ${c.inFlight} in flight (${t.completed}/${t.workflows} completed in ${t.seconds} s)`);
  console.log(
    table([
      [
        "workflows/s",
        `${t.workflowsPerSec}  (goal ≥ ${s.goals.workflowsPerSec}: ${s.goals.throughputMet ? "met" : "not met"})`,
      ],
      ["tasks/s", String(t.tasksPerSec)],
      ["latency under load", ms(t.latencyUnderLoadMs)],
      ["per workflow", `${t.streamMessagesPerWorkflow} stream messages + ${t.kvWritesPerWorkflow} KV writes`],
      [
        "stored per stream",
        Object.entries(t.storedPerStream)
          .map(([k, v]) => `${k} ${v}`)
          .join(", "),
      ],
      [
        "CPU s during run",
        `${Object.entries(t.cpuSeconds)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")}`,
      ],
      ["CPU", `${t.cpuUtilisation} cores busy on average, ${t.cpuMsPerWorkflow} CPU ms per workflow`],
      ["other processes", `${t.otherCpuSeconds} CPU s meanwhile (load average at start ${c.loadAverage})`],
    ]),
  );
  printFloor(s);
  const odd = Object.entries(s.oddities).filter(([, v]) =>
    Array.isArray(v) ? v.length : typeof v === "object" ? Object.keys(v as object).length : v,
  );
  console.log(
    odd.length
      ? `\noddities:\n${odd.map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`).join("\n")}`
      : "\noddities: none (no timeouts, failures or DLQ entries)",
  );
}

function printFloor(s: Summary): void {
  const f = s.floor;
  const r = s.ratios;
  console.log(`\nJetStream floor, same server, one client (BENCHFLOOR stream / benchfloor bucket)`);
  console.log(
    table([
      [
        "async publish",
        `${f.publishPerSec}/s plain, ${f.publishMsgIdPerSec}/s with Nats-Msg-Id (${s.config.inFlight < 64 ? 64 : s.config.inFlight} in flight)`,
      ],
      ["KV CAS update", `${f.kvUpdatePerSec}/s (64 keys concurrently)`],
      ["one publish RTT", ms(f.publishRttMs)],
      ["one kv.update RTT", ms(f.kvUpdateRttMs)],
    ]),
  );
  console.log(`\npatchbay against the floor`);
  console.log(
    table([
      [
        "stream msgs/s vs publish floor",
        `${s.throughput.streamMessagesPerSec}/s = ${round(r.streamMessagesVsPublishFloor * 100, 1)}%`,
      ],
      ["+ KV writes vs publish floor", `${round(r.allWritesVsPublishFloor * 100, 1)}%`],
      ["KV writes/s vs KV CAS floor", `${s.throughput.kvWritesPerSec}/s = ${round(r.kvWritesVsKvFloor * 100, 1)}%`],
      [
        "wf/s if only writes counted",
        `${r.workflowsPerSecCeilingFromPublishFloor} (publish floor ÷ writes per workflow)`,
      ],
      ["p50 vs one publish RTT", `${r.p50VsPublishRtt}×`],
    ]),
  );
}
