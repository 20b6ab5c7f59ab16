/**
 * `patchbay demo`: the embedded default end to end, then nothing left running. Starts its own
 * nats-server, a coordinator and two checker processes, runs one bench-fanout workflow and
 * shows its history, runs a burst of them, and stops everything.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../infra/config.ts";
import { connectNats } from "../../infra/nats/connect.ts";
import { provision } from "../../infra/nats/provision.ts";
import { WorkflowRegistry } from "../coordinator/decider.ts";
import { builtinWorkflows } from "../coordinator/workflows/index.ts";
import { PatchbayClient } from "./client.ts";
import { historyLine, statusLines } from "./format.ts";
import { ROOT, embeddedNats } from "./up.ts";
import { Supervisor, readProcfile } from "./supervisor.ts";

/** Runs the demo and resolves when everything it started has stopped. */
export async function demo(): Promise<void> {
  const cfg = loadConfig();
  const home = join(cfg.home, "demo");
  rmSync(home, { recursive: true, force: true });
  const server = await embeddedNats(home);
  const supervisor = new Supervisor({ ...process.env, NATS_URL: server.url }, () => undefined);
  const nc = await connectNats({ url: server.url, name: "patchbay-demo" });
  try {
    await provision(nc, cfg.provision);
    const specs = readProcfile(ROOT);
    const spec = (name: string) => specs.find((s) => s.name === name) ?? specs[0];
    await supervisor.run(spec("coordinator"), 1);
    await supervisor.run(spec("checker"), 2);
    console.log(`nats-server ${server.url} (pid ${server.pid}), coordinator and 2 checker processes (pids ${supervisor.pids.join(", ")})\n`);
    const client = new PatchbayClient(nc, new WorkflowRegistry(builtinWorkflows));
    await showOne(client);
    await burst(client, 200, 32);
    client.close();
  } finally {
    await nc.close();
    await supervisor.stop();
    await server.stop();
  }
  console.log("\nEverything the demo started has stopped. Next: `npx patchbay up`, then in another shell");
  console.log("  echo '{\"fanout\": 8}' | npx patchbay start bench-fanout --input - --wait --json");
}

async function showOne(client: PatchbayClient): Promise<void> {
  const id = await client.start("bench-fanout", { fanout: 8 }, { id: `demo-${Date.now()}` });
  console.log(`$ patchbay start bench-fanout --id ${id} --wait`);
  const rec = await client.wait(id, 30_000);
  for (const l of statusLines(rec)) console.log(l);
  console.log(`\n$ patchbay show ${id}`);
  for (const e of await client.history(id)) console.log(historyLine(e));
}

async function burst(client: PatchbayClient, total: number, inFlight: number): Promise<void> {
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const id = await client.start("bench-fanout", { fanout: 8 }, { id: `demo-burst-${Date.now()}-${next++}` });
      await client.wait(id, 60_000);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const s = (performance.now() - t0) / 1_000;
  console.log(`\n${total} bench-fanout workflows (8 tasks each, ${inFlight} in flight) in ${s.toFixed(2)} s: ${(total / s).toFixed(0)} workflows/s (see bench/ for measured figures)`);
}
