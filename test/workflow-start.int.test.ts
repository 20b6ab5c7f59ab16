// Proves that a start published with a plain NATS client (JSON, no patchbay code) starts a
// workflow; that a repeated start is one workflow (within the duplicate window by msg id, and
// beyond it by kv.create); that a bad input fails at once with INVALID_INPUT and no tasks; and
// that an undecodable start lands in the DLQ with its reason while the coordinator keeps going.
import test from "ava";
import { jetstreamManager } from "@nats-io/jetstream";
import { eventually, startTestNats } from "./helpers/nats.ts";
import { client, startActor, startCoordinator } from "./helpers/runtime.ts";
import { WorkflowRegistry, builtinWorkflows } from "../services/coordinator/index.ts";
import { noopBinding } from "../actors/bench/index.ts";
import { Stream } from "../protocol/subjects.ts";

const registry = () => new WorkflowRegistry(builtinWorkflows);
const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

test("a JSON start from a plain client runs; the same start twice is one workflow", async (t) => {
  const { nc } = await startTestNats(t);
  await startCoordinator(t, nc, registry());
  await startActor(t, nc, "checker", [noopBinding]);
  const c = client(t, nc);
  nc.publish("workflow.start.bench-fanout", enc({ id: "plain-1", input: { fanout: 3 } }));
  nc.publish("workflow.start.bench-fanout", enc({ id: "plain-1", input: { fanout: 3 } }));
  const rec = await c.wait("plain-1", 20_000);
  t.is(rec.status, "completed");
  t.deepEqual((rec.result as { tasks: number }).tasks, 3);
  // Published again after completion (and outside any msg-id dedup): still one workflow.
  nc.publish("workflow.start.bench-fanout", enc({ id: "plain-1", input: { fanout: 5 } }));
  const jsm = await jetstreamManager(nc);
  await eventually(
    async () => (await jsm.streams.info(Stream.Workflows)).state.messages === 0,
    "the repeated start to be consumed",
  );
  const history = await c.history("plain-1");
  const starts = history.filter(
    (e) => e.message?.type === "log/v1" && e.message.data.entries.some((x) => x.step === "started"),
  );
  t.is(starts.length, 1);
  const completions = history.filter((e) => e.message?.type === "task.completed/v1");
  t.is(completions.length, 3);
  t.is((await jsm.streams.info(Stream.Tasks)).state.messages, 0, "every task consumed");
});

test("a start without id gets one derived from its message id, stable across redelivery", async (t) => {
  const { nc } = await startTestNats(t);
  await startCoordinator(t, nc, registry());
  await startActor(t, nc, "checker", [noopBinding]);
  const c = client(t, nc);
  const js = (await import("@nats-io/jetstream")).jetstream(nc);
  await js.publish("workflow.start.bench-fanout", enc({ input: { fanout: 1 } }), { msgID: "from-msg-id" });
  t.is((await c.wait("from-msg-id", 20_000)).status, "completed");
  const ack = await js.publish("workflow.start.bench-fanout", enc({ input: { fanout: 1 } }));
  const rec = await c.wait(`bench-fanout-s${ack.seq}`, 20_000);
  t.is(rec.status, "completed");
});

test("a bad input fails at once with INVALID_INPUT and dispatches nothing", async (t) => {
  const { nc } = await startTestNats(t);
  await startCoordinator(t, nc, registry());
  const c = client(t, nc);
  nc.publish("workflow.start.bench-fanout", enc({ id: "bad-1", input: { fanout: 1000 } }));
  const rec = await c.wait("bad-1", 20_000);
  t.is(rec.status, "failed");
  t.is(rec.error?.code, "INVALID_INPUT");
  t.regex(rec.error?.message ?? "", /fanout/);
  const jsm = await jetstreamManager(nc);
  t.is((await jsm.streams.info(Stream.Tasks)).state.messages, 0);
  const history = await c.history("bad-1");
  t.is(history.at(-1)?.error?.code, "INVALID_INPUT");
  nc.publish("workflow.start.no-such-type", enc({ id: "unknown-1", input: {} }));
  t.is((await c.wait("unknown-1", 20_000)).error?.code, "UNKNOWN_WORKFLOW_TYPE");
});

test("an undecodable start lands in the DLQ with its reason; the next start still runs", async (t) => {
  const { nc } = await startTestNats(t);
  await startCoordinator(t, nc, registry());
  await startActor(t, nc, "checker", [noopBinding]);
  const c = client(t, nc);
  nc.publish("workflow.start.bench-fanout", new Uint8Array([0xc1, 0xff, 0x00]));
  nc.publish("workflow.start.bench-fanout", enc({ id: "bad id with spaces", input: {} }));
  nc.publish("workflow.start.bench-fanout", enc({ id: "after-poison", input: { fanout: 1 } }));
  t.is((await c.wait("after-poison", 20_000)).status, "completed");
  const dlq = await c.dlq();
  t.is(dlq.length, 2);
  t.true(dlq.every((e) => e.original_subject === "workflow.start.bench-fanout" && e.code === "INVALID_MESSAGE"));
  t.regex(dlq[1].reason, /id/);
  const jsm = await jetstreamManager(nc);
  await eventually(
    async () => (await jsm.streams.info(Stream.Workflows)).state.messages === 0,
    "the dead-lettered starts to leave the work queue (terminated, never redelivered)",
  );
});

test("a repeated start reaching a replica that never saw the workflow changes nothing", async (t) => {
  const { nc } = await startTestNats(t);
  const first = await startCoordinator(t, nc, registry());
  await startActor(t, nc, "checker", [noopBinding]);
  const c = client(t, nc);
  nc.publish("workflow.start.bench-fanout", enc({ id: "repeat-1", input: { fanout: 2 } }));
  t.is((await c.wait("repeat-1", 20_000)).status, "completed");
  await first.stop();
  await startCoordinator(t, nc, registry());
  nc.publish("workflow.start.bench-fanout", enc({ id: "repeat-1", input: { fanout: 7 } }));
  const jsm = await jetstreamManager(nc);
  await eventually(
    async () => (await jsm.streams.info(Stream.Workflows)).state.messages === 0,
    "the repeated start to be consumed",
  );
  const rec = await c.status("repeat-1");
  t.deepEqual(rec?.input, { fanout: 2, payload_bytes: 0, task_timeout_ms: 60_000 });
  const starts = (await c.history("repeat-1")).filter(
    (e) => e.message?.type === "log/v1" && e.message.data.entries.some((x) => x.step === "started"),
  );
  t.is(starts.length, 1);
});
