/**
 * Real ended records to copy: runs a few workflows through an in-process coordinator and real
 * actor hosts on a provisioned server, each ending a different way, and reads what the
 * coordinator wrote to the `ended` bucket. bench-fanout failed (a task queued past its
 * `queue_timeout_ms` with no checker up: QUEUE_TIMEOUT), bench-fanout cancelled, quality-gate
 * failed (a repository that does not exist: the merger's REPO_NOT_FOUND), then, with the
 * checker up, bench-fanout completed at three fan-outs.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import { Kvm, type KV } from "@nats-io/kv";
import { noopBinding } from "../../actors/bench/index.ts";
import { resolveBinding } from "../../actors/merger/index.ts";
import { PatchbayClient } from "../../infra/client/index.ts";
import { loadConfig } from "../../infra/config.ts";
import { ActorHost } from "../../infra/nats/actor-host.ts";
import { decodeRaw } from "../../protocol/codec.ts";
import type { SagaRecord } from "../../protocol/saga.ts";
import { Bucket } from "../../protocol/subjects.ts";
import { WorkflowInputs } from "../../protocol/workflows.ts";
import { Coordinator, WorkflowRegistry, builtinWorkflows } from "../../services/coordinator/index.ts";
import { mergerPorts } from "../../services/role-ports.ts";

/** The ended records, named by how they ended (e.g. `bench-fanout/failed`). */
export type Templates = Record<string, SagaRecord>;

/** Runs the workflows on `nc` (provisioned, nothing else serving it) and returns their ended records. */
export async function endedTemplates(nc: NatsConnection): Promise<Templates> {
  const home = await mkdtemp(join(tmpdir(), "patchbay-bench-templates-"));
  const coordinator = new Coordinator({ nc, registry: new WorkflowRegistry(builtinWorkflows) });
  const merger = new ActorHost({
    nc,
    role: "merger",
    handlers: [resolveBinding(await mergerPorts(loadConfig({ PATCHBAY_HOME: home }), nc))],
  });
  const checker = new ActorHost({ nc, role: "checker", handlers: [noopBinding], concurrency: 32 });
  const client = new PatchbayClient(nc, WorkflowInputs);
  try {
    await coordinator.start();
    await merger.start();
    const ended = await endWithoutChecker(client, home);
    await checker.start();
    for (const fanout of [4, 8, 32]) {
      const id = await client.start("bench-fanout", { fanout }, { id: `template-completed-${fanout}` });
      ended[`bench-fanout/completed/${fanout}`] = await client.wait(id, 30_000);
    }
    return await readEnded(nc, ended);
  } finally {
    client.close();
    await checker.drain();
    await merger.drain();
    await coordinator.stop();
    await rm(home, { recursive: true, force: true });
  }
}

/** The workflows that end while no checker serves: a queue timeout, a cancel, a missing repository. */
async function endWithoutChecker(client: PatchbayClient, home: string): Promise<Templates> {
  const late = await client.start(
    "bench-fanout",
    { fanout: 2, queue_timeout_ms: 5_000 },
    { id: "template-queue-timeout" },
  );
  const cancelled = await client.start("bench-fanout", { fanout: 4 }, { id: "template-cancelled" });
  await client.signal(cancelled, "cancel");
  const repo = join(home, "no-such-repo");
  const gate = await client.start("quality-gate", { repo, branch: "main" }, { id: "template-gate-missing-repo" });
  return {
    "bench-fanout/failed": await client.wait(late, 30_000),
    "bench-fanout/cancelled": await client.wait(cancelled, 30_000),
    "quality-gate/failed": await client.wait(gate, 30_000),
  };
}

/** The records as the `ended` bucket holds them (what the list reads), each checked to have ended as named. */
async function readEnded(nc: NatsConnection, ended: Templates): Promise<Templates> {
  const kv = await new Kvm(nc).open(Bucket.Ended);
  const out: Templates = {};
  for (const [name, rec] of Object.entries(ended)) {
    const stored = await storedRecord(kv, rec.id);
    const status = name.split("/")[1];
    if (stored.status !== status) throw new Error(`${rec.id} ended ${stored.status}, expected ${status}`);
    out[name] = stored;
  }
  return out;
}

/** The record of `id` in `ended`, waiting a moment for the coordinator to move it there after its last write. */
async function storedRecord(kv: KV, id: string): Promise<SagaRecord> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const entry = await kv.get(id);
    if (entry && entry.length > 0) return decodeRaw(entry.value) as SagaRecord;
    if (Date.now() > deadline) throw new Error(`${id} has no record in ${Bucket.Ended} after 10 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
