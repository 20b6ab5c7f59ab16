// Start-up and listing cost against the number of workflows ever run: a coordinator's start
// (which heals what is running) and `list` (one page) on a deployment with R running workflows,
// then again after N ended workflows were added (default 100 000), in the same process. For
// reference it also times what start-up cost when every record was read (a scan of all keys).
// Figures only; nothing is asserted.
// Usage: PATH=$PWD/node_modules/.bin:$PATH node bench/startup.ts [--ended 100000] [--running 100]
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { NatsConnection } from "@nats-io/transport-node";
import { Kvm, type KV } from "@nats-io/kv";
import { PatchbayClient } from "../infra/client/index.ts";
import { connectNats } from "../infra/nats/connect.ts";
import { startNatsServer } from "../infra/nats/launcher.ts";
import { provision } from "../infra/nats/provision.ts";
import { encode } from "../protocol/codec.ts";
import type { SagaRecord } from "../protocol/saga.ts";
import { Bucket } from "../protocol/subjects.ts";
import { Coordinator, WorkflowRegistry, builtinWorkflows } from "../services/coordinator/index.ts";
import { round, table } from "./lib/stats.ts";

/** A record like bench-fanout's, running or ended. */
function record(id: string, status: SagaRecord["status"], at: number): SagaRecord {
  const input = { fanout: 8, payload_bytes: 0, task_timeout_ms: 60_000 };
  return {
    id,
    type: "bench-fanout",
    version: 1,
    run: 1,
    status,
    input,
    state: { input, outstanding: status === "running" ? 8 : 0, started_at: at },
    created_at: at,
    updated_at: at,
    pending: {},
    children: {},
    timers: {},
    steps: [],
    seen: [],
    log_count: 2,
    outbox: [],
    ...(status === "completed" ? { result: { tasks: 8, duration_ms: 7 } } : {}),
  };
}

/** Writes `count` records to `kv`, 512 at a time. */
async function fill(kv: KV, count: number, make: (i: number) => SagaRecord): Promise<void> {
  for (let i = 0; i < count; i += 512) {
    await Promise.all(
      Array.from({ length: Math.min(512, count - i) }, (_, j) => kv.put(make(i + j).id, encode(make(i + j)))),
    );
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: round(performance.now() - t0), value };
}

/** A coordinator's start-up (consumers, the scan of `sagas`), then its stop. */
async function startUp(nc: NatsConnection): Promise<number> {
  const coordinator = new Coordinator({ nc, registry: new WorkflowRegistry(builtinWorkflows) });
  const { ms } = await timed(() => coordinator.start());
  await coordinator.stop();
  return ms;
}

/** What start-up cost when it read every record: list every key of a bucket and read each. */
async function scanAll(kv: KV): Promise<number> {
  const { ms } = await timed(async () => {
    const keys: string[] = [];
    for await (const k of await kv.keys()) keys.push(k);
    for (let i = 0; i < keys.length; i += 64) await Promise.all(keys.slice(i, i + 64).map((k) => kv.get(k)));
  });
  return ms;
}

async function measure(nc: NatsConnection, label: string): Promise<Array<readonly [string, string]>> {
  const client = new PatchbayClient(nc);
  const start = await startUp(nc);
  const list = await timed(() => client.listPage({ limit: 50 }));
  client.close();
  return [
    [`${label}: coordinator start`, `${start} ms`],
    [`${label}: list, first page of 50`, `${list.ms} ms (${list.value.workflows.length} shown)`],
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { ended: { type: "string", default: "100000" }, running: { type: "string", default: "100" } },
  });
  const ended = Number(values.ended);
  const running = Number(values.running);
  const dir = await mkdtemp(join(tmpdir(), "patchbay-startup-"));
  const server = await startNatsServer({ storeDir: dir });
  const nc = await connectNats({ url: server.url, name: "bench-startup" });
  try {
    await provision(nc);
    const kvm = new Kvm(nc);
    const now = Date.now();
    await fill(await kvm.open(Bucket.Sagas), running, (i) => record(`running-${i}`, "running", now));
    const rows = await measure(nc, `${running} running, 0 ended`);
    const endedKv = await kvm.open(Bucket.Ended);
    const write = await timed(() => fill(endedKv, ended, (i) => record(`ended-${i}`, "completed", now - i)));
    rows.push([`(writing ${ended} ended records)`, `${write.ms} ms`]);
    rows.push(...(await measure(nc, `${running} running, ${ended} ended`)));
    rows.push([`reference: reading every ended record (start-up before)`, `${await scanAll(endedKv)} ms`]);
    console.log(`start-up and list against workflows ever run (nats-server ${nc.info?.version})\n`);
    console.log(table(rows));
  } finally {
    await nc.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
