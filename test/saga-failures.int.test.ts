// Proves the failure paths of invariants 5 and 6 (docs/architecture.md, "Invariants") against a real nats-server: a task
// that always throws ends in task.failed after its deliveries and the workflow fails with that
// error visible in its history; an undecodable task lands in the DLQ while the host keeps
// serving; a task that names its workflow but fails its schema fails that workflow; an
// undecodable event fails its workflow with INVALID_MESSAGE; a task nobody starts fails with
// QUEUE_TIMEOUT, and one that hangs after starting is re-dispatched after its start-to-close.
import test from "ava";
import { jetstream } from "@nats-io/jetstream";
import { eventually, startTestNats } from "./helpers/nats.ts";
import { client, startActor, startCoordinator } from "./helpers/runtime.ts";
import { fixtureRegistry } from "./fixtures/workflows/index.ts";
import { effectsWorkflow } from "./fixtures/runtime/effects-workflow.ts";
import { ensureFixtureStream, faultsFromEnv, fixtureBindingsOf } from "./fixtures/runtime/handlers.ts";
import { decodeRaw, encode } from "../protocol/codec.ts";
import { executions } from "./helpers/effects.ts";

const registry = () => fixtureRegistry().register(effectsWorkflow);

test("a task that always throws fails after its deliveries; the error is in the history", async (t) => {
  const { nc } = await startTestNats(t, { maxTaskDeliveries: 3 });
  await ensureFixtureStream(nc);
  await startCoordinator(t, nc, registry());
  await startActor(
    t,
    nc,
    "coder",
    fixtureBindingsOf("coder", nc, faultsFromEnv({ FIXTURE_THROW_KINDS: "fixture.effect" })),
  );
  const c = client(t, nc);
  await c.start("effects", { tasks: 1 }, { id: "flaky-1" });
  const rec = await c.wait("flaky-1", 30_000);
  t.is(rec.status, "failed");
  t.is(rec.error?.code, "FIXTURE_FLAKY");
  const history = await c.history("flaky-1");
  const failed = history.find((e) => e.message?.type === "task.failed/v1");
  t.is(failed?.error?.code, "FIXTURE_FLAKY");
  t.is(history.at(-1)?.error?.code, "FIXTURE_FLAKY", "the final log entry carries the error");
  const jsm = await jetstream(nc).jetstreamManager();
  await eventually(
    async () => (await jsm.streams.info("TASKS")).state.messages === 0,
    "the failed task to leave the work queue (terminated, never redelivered)",
  );
});

test("an undecodable task goes to the DLQ and the host keeps serving", async (t) => {
  const { nc } = await startTestNats(t);
  await ensureFixtureStream(nc);
  await startCoordinator(t, nc, registry());
  const host = await startActor(t, nc, "coder", fixtureBindingsOf("coder", nc, faultsFromEnv({})));
  await startActor(t, nc, "checker", fixtureBindingsOf("checker", nc, faultsFromEnv({})));
  const js = jetstream(nc);
  await js.publish("task.coder", new Uint8Array([0xc1, 0xc1, 0xc1]));
  const c = client(t, nc);
  await c.start("effects", { tasks: 2 }, { id: "after-garbage" });
  t.is((await c.wait("after-garbage", 20_000)).status, "completed");
  const dlq = await c.dlq();
  t.is(dlq.length, 1);
  t.is(dlq[0].original_subject, "task.coder");
  t.is(dlq[0].code, "INVALID_MESSAGE");
  t.is(host.inFlight, 0);
});

test("a corrupted task that still names its workflow fails that workflow with INVALID_MESSAGE", async (t) => {
  const { nc } = await startTestNats(t);
  await startCoordinator(t, nc, registry());
  const c = client(t, nc);
  await c.start("fixture-steps", { job: "j", step_timeout_ms: 60_000 }, { id: "schema-victim" });
  // Take the real step-1 task off the queue and put back a corrupted copy (kind is not a string).
  const js = jetstream(nc);
  const consumer = await js.consumers.get("TASKS", "actor-coder");
  const original = await consumer.next({ expires: 10_000 });
  if (!original) return t.fail("step-1 was not dispatched");
  const task = decodeRaw(original.data) as Record<string, unknown>;
  original.ack();
  await js.publish("task.coder", encode({ ...task, kind: 42 }));
  await startActor(t, nc, "coder", fixtureBindingsOf("coder", nc, faultsFromEnv({})));
  const rec = await c.wait("schema-victim", 20_000);
  t.is(rec.status, "failed");
  t.is(rec.error?.code, "INVALID_MESSAGE");
  const dlq = await c.dlq();
  t.true(dlq.some((e) => e.code === "INVALID_MESSAGE" && /kind/.test(e.reason)));
});

test("an undecodable event fails its workflow with INVALID_MESSAGE", async (t) => {
  const { nc } = await startTestNats(t);
  await startCoordinator(t, nc, registry());
  const c = client(t, nc);
  await c.start("fixture-approval", { timeout_ms: 60_000 }, { id: "poisoned" });
  await eventually(async () => (await c.status("poisoned"))?.status === "running", "the workflow to start");
  nc.publish("workflow.event.poisoned", new TextEncoder().encode("{not json"));
  const rec = await c.wait("poisoned", 20_000);
  t.is(rec.status, "failed");
  t.is(rec.error?.code, "INVALID_MESSAGE");
  // The failure is written first; the event is dead-lettered once it is.
  await eventually(
    async () => (await c.dlq()).some((e) => e.original_subject === "workflow.event.poisoned"),
    "the event in the DLQ",
  );
  t.pass();
});

test("a task nobody starts fails its workflow with QUEUE_TIMEOUT after its schedule-to-start, without copies", async (t) => {
  const { nc } = await startTestNats(t);
  await startCoordinator(t, nc, registry());
  const c = client(t, nc);
  await c.start("fixture-steps", { job: "j", step_timeout_ms: 300, queue_timeout_ms: 5_000 }, { id: "nobody-home" });
  const rec = await c.wait("nobody-home", 20_000);
  t.is(rec.status, "failed");
  t.is(rec.error?.code, "QUEUE_TIMEOUT");
  t.regex(rec.error?.message ?? "", /step-1 \(coder\/fixture\.step\) was not started within 5000 ms/);
  const history = await c.history("nobody-home");
  t.false(
    history.some((e) => e.message?.type === "log/v1" && e.message.data.entries.some((x) => x.step === "redispatched")),
  );
  const tasks = await (await jetstream(nc).jetstreamManager()).streams.info("TASKS");
  t.is(tasks.state.messages, 1, "one copy of the task waited; none was added");
});

test("a task that hangs after it started is re-dispatched after its start-to-close, then fails with TASK_TIMEOUT", async (t) => {
  const { nc } = await startTestNats(t);
  await ensureFixtureStream(nc);
  await startCoordinator(t, nc, registry());
  await startActor(t, nc, "coder", fixtureBindingsOf("coder", nc, faultsFromEnv({ FIXTURE_HANG_TASKS: "step-1" })));
  const c = client(t, nc);
  await c.start("fixture-steps", { job: "j", step_timeout_ms: 300 }, { id: "hangs" });
  const rec = await c.wait("hangs", 20_000);
  t.is(rec.status, "failed");
  t.is(rec.error?.code, "TASK_TIMEOUT");
  const history = await c.history("hangs");
  const logged = history.flatMap((e) => (e.message?.type === "log/v1" ? e.message.data.entries : []));
  t.is(logged.filter((x) => x.step === "redispatched").length, 2, "attempts 2 and 3 were dispatched");
  const starts = history.flatMap((e) => (e.message?.type === "task.started/v1" ? [e.message.data.attempt] : []));
  t.deepEqual(starts, [1, 2, 3], "each attempt was started once");
  t.deepEqual(await executions(nc, "step", "hangs"), [], "no attempt got to its effect");
});
