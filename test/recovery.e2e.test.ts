// Proves invariant 4 and the crash window (docs/architecture.md) of the coordinator shell with real
// processes: nats-server SIGKILLed and restarted on the same port and store mid-run, and every
// workflow still completes; a coordinator killed between its KV write and its publish leaves
// the outbox in the record, and a restarted coordinator re-publishes it so the workflow completes.
import test from "ava";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { eventually, startTestNats } from "./helpers/nats.ts";
import { FAST_REDELIVERY, startActorProcess, startCoordinatorProcess } from "./helpers/cluster.ts";
import { ensureFixtureStream } from "./fixtures/runtime/handlers.ts";
import { connectNats } from "../infra/nats/connect.ts";
import { PatchbayClient } from "../infra/client/index.ts";
import { decodeRaw } from "../protocol/codec.ts";
import { outboxMessages } from "../services/coordinator/internal.ts";
import type { SagaRecord } from "../protocol/saga.ts";

test.serial("nats-server killed and restarted mid-run: every workflow completes", async (t) => {
  const nats = await startTestNats(t, FAST_REDELIVERY);
  await ensureFixtureStream(nats.nc);
  await startCoordinatorProcess(t, nats.url);
  await startActorProcess(t, nats.url, "coder");
  await startActorProcess(t, nats.url, "checker");
  const ids = Array.from({ length: 60 }, (_, i) => `survive-${i}`);
  const starter = new PatchbayClient(nats.nc);
  await Promise.all(ids.map((id) => starter.start("effects", { tasks: 2, ms: 20 }, { id })));
  const jsm = await jetstreamManager(nats.nc);
  await eventually(
    async () => (await jsm.streams.info("FIXTURE")).state.messages >= 40,
    "some progress before the kill",
  );
  await nats.server.kill();
  t.log("nats-server killed");
  nats.server = await nats.server.restart();
  t.log("nats-server restarted");
  // A fresh connection for the checks (the first one reconnects too, but need not be trusted).
  const nc = await connectNats({ url: nats.url, name: "checker-of-results" });
  t.teardown(() => nc.close());
  const client = new PatchbayClient(nc);
  t.teardown(() => client.close());
  const records = await Promise.all(ids.map((id) => client.wait(id, 90_000)));
  t.deepEqual(
    records.filter((r) => r.status !== "completed").map((r) => r.id),
    [],
  );
});

test.serial("a coordinator killed between KV write and publish: the outbox is re-published on restart", async (t) => {
  const nats = await startTestNats(t, FAST_REDELIVERY);
  await ensureFixtureStream(nats.nc);
  const doomed = await startCoordinatorProcess(t, nats.url, { FIXTURE_KILL_AFTER_WRITE: "torn-write" });
  const client = new PatchbayClient(nats.nc);
  t.teardown(() => client.close());
  await client.start("effects", { tasks: 2, ms: 0 }, { id: "torn-write" });
  await doomed.exited;
  t.is(doomed.proc.signalCode, "SIGKILL", "the coordinator died in the crash window");
  const kv = await new Kvm(nats.nc).open("sagas");
  const entry = await kv.get("torn-write");
  const rec = decodeRaw(entry?.value ?? new Uint8Array([0xc0])) as SagaRecord;
  t.true(
    outboxMessages(rec).some((m) => m.subject === "task.coder"),
    "the record holds the unpublished tasks",
  );
  const js = jetstream(nats.nc);
  const tasks = await (await js.jetstreamManager()).streams.info("TASKS");
  t.is(tasks.state.messages, 0, "no task was published before the crash (no actor runs yet)");
  await startCoordinatorProcess(t, nats.url);
  await startActorProcess(t, nats.url, "coder");
  await startActorProcess(t, nats.url, "checker");
  const done = await client.wait("torn-write", 30_000);
  t.is(done.status, "completed");
  t.is((done.result as { done: number }).done, 4);
});
