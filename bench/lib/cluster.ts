/**
 * A throwaway patchbay deployment for benchmarks: its own nats-server on a temp store, one
 * coordinator and N checker processes as real children (via the CLI's Supervisor), CPU
 * accounting per process from /proc, and a stop() that is safe to call on any path.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { NatsConnection } from "@nats-io/transport-node";
import { connectNats } from "../../infra/nats/connect.ts";
import { startNatsServer, type NatsServer } from "../../infra/nats/launcher.ts";
import { provision } from "../../infra/nats/provision.ts";
import { Supervisor, readProcfile, type ProcSpec } from "../../services/cli/supervisor.ts";

/** Options of {@link startCluster}. */
export interface ClusterOptions {
  coordinators: number;
  checkers: number;
  /** `--concurrency` of each checker process. */
  checkerConcurrency: number;
  /** When set, children run with `--cpu-prof --cpu-prof-dir=<dir>` (written when they exit). */
  cpuProfDir?: string;
  /** Extra NODE_OPTIONS for the children (experiments, e.g. `--stack-trace-limit=0`). */
  nodeOptions?: string;
}

/** One process of the deployment, for CPU accounting. */
export interface ClusterProcess {
  name: string;
  pid: number;
}

/** A running deployment. */
export interface Cluster {
  url: string;
  nc: NatsConnection;
  processes: ClusterProcess[];
  /** Lines the children printed other than their ready line (errors, restarts, …). */
  notes: string[];
  /** Stops children, closes the connection, stops the server and removes its store. Idempotent. */
  stop(): Promise<void>;
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const MAX_NOTES = 200;

/** Starts nats-server, provisions, starts the coordinator(s) and checkers; cleans up if any step fails. */
export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const storeDir = await mkdtemp(join(tmpdir(), "patchbay-bench-"));
  const notes: string[] = [];
  const parts: { server?: NatsServer; supervisor?: Supervisor; nc?: NatsConnection } = {};
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= stopParts(parts, storeDir));
  try {
    parts.server = await startNatsServer({ storeDir: join(storeDir, "nats") });
    parts.nc = await connectNats({ url: parts.server.url, name: "patchbay-bench" });
    await provision(parts.nc);
    parts.supervisor = new Supervisor(childEnv(parts.server.url, opts), (line) => {
      if (!/\bready\b/.test(line) && notes.length < MAX_NOTES) notes.push(line);
    });
    const processes = await startChildren(parts.supervisor, opts);
    processes.unshift({ name: "nats-server", pid: parts.server.pid });
    return { url: parts.server.url, nc: parts.nc, processes, notes, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function startChildren(supervisor: Supervisor, opts: ClusterOptions): Promise<ClusterProcess[]> {
  const specs = readProcfile(ROOT);
  const spec = (name: string): ProcSpec => {
    const found = specs.find((s) => s.name === name);
    if (!found) throw new Error(`Procfile has no '${name}' line`);
    return found;
  };
  const out: ClusterProcess[] = [];
  await supervisor.run(spec("coordinator"), opts.coordinators);
  for (let i = 1; i <= opts.coordinators; i++) out.push({ name: `coordinator.${i}`, pid: supervisor.pids[out.length] });
  const checker = spec("checker");
  await supervisor.run(
    { ...checker, args: [...checker.args, "--concurrency", String(opts.checkerConcurrency)] },
    opts.checkers,
  );
  for (let i = 1; i <= opts.checkers; i++) out.push({ name: `checker.${i}`, pid: supervisor.pids[out.length] });
  return out;
}

function childEnv(url: string, opts: ClusterOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NATS_URL: url };
  delete env.OTEL_EXPORTER_OTLP_ENDPOINT; // measure the runtime, not the exporter
  const extra = [
    env.NODE_OPTIONS,
    opts.nodeOptions,
    opts.cpuProfDir ? `--cpu-prof --cpu-prof-dir=${opts.cpuProfDir}` : undefined,
  ];
  const nodeOptions = extra.filter(Boolean).join(" ");
  if (nodeOptions) env.NODE_OPTIONS = nodeOptions;
  return env;
}

async function stopParts(
  parts: { server?: NatsServer; supervisor?: Supervisor; nc?: NatsConnection },
  storeDir: string,
): Promise<void> {
  try {
    await parts.nc?.close().catch(() => undefined);
    await parts.supervisor?.stop(10_000);
    await parts.server?.stop();
  } finally {
    await rm(storeDir, { recursive: true, force: true });
  }
}

/** CPU seconds (user + system) used so far by `pid`, read from /proc; NaN when unavailable. */
export async function cpuSeconds(pid: number): Promise<number> {
  if (pid === process.pid) {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ (100 on Linux)
  } catch {
    return Number.NaN;
  }
}

/** Busy CPU seconds of the whole machine (every process, all cores), from /proc/stat; NaN when unavailable. */
export async function machineCpuSeconds(): Promise<number> {
  try {
    const line = (await readFile("/proc/stat", "utf8")).split("\n")[0];
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return (user + nice + system + irq + softirq + steal) / 100;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds of every process, keyed by name (the bench itself is `bench`, all processes of the machine `machine`). */
export async function cpuSnapshot(processes: readonly ClusterProcess[]): Promise<Record<string, number>> {
  const all = [...processes, { name: "bench", pid: process.pid }];
  const values = await Promise.all([...all.map((p) => cpuSeconds(p.pid)), machineCpuSeconds()]);
  return Object.fromEntries([...all.map((p, i) => [p.name, values[i]]), ["machine", values[all.length]]]);
}

/** CPU seconds used between two snapshots, per process. */
export function cpuDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.keys(after).map((k) => [k, Math.round((after[k] - (before[k] ?? 0)) * 100) / 100]));
}
