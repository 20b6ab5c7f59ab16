// Proves three holes of issue 7 closed, on a real nats-server with an in-process coordinator:
// a cancel published before its workflow's start was applied is held and applied after it
// (never dead-lettered); an undecodable event fails its workflow even when the first write of
// that failure fails (the event is dead-lettered only once the failure is stored); and a
// workflow whose record outgrows a message fails with RECORD_TOO_LARGE instead of looping,
// while another workflow runs on.
import test from "ava";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { encode } from "../protocol/codec.ts";
import { ErrorCode } from "../protocol/errors.ts";
import { Consumer, Stream, Subject } from "../protocol/subjects.ts";
import { startMessage, signalMessage } from "../protocol/workflow.ts";
import { publishAll } from "../infra/nats/publish.ts";
import { ensureFixtureStream, faultsFromEnv, fixtureBindingsOf } from "./fixtures/runtime/handlers.ts";
import { fixtureRegistry } from "./fixtures/workflows/index.ts";
import { eventually, startTestNats } from "./helpers/nats.ts";
import { client, startActor, startCoordinator } from "./helpers/runtime.ts";

test("a cancel that arrives before its start is applied is held, then cancels the workflow", async (t) => {
  const { nc } = await startTestNats(t);
  const js = jetstream(nc);
  const starts = Array.from({ length: 500 }, (_, i) =>
    startMessage("fixture-approval", `early-${i}`, { timeout_ms: 600_000 }),
  );
  await publishAll(nc, js, [...starts, signalMessage("early-499", "cancel")]);
  await startCoordinator(t, nc, fixtureRegistry());
  const c = client(t, nc);
  const rec = await c.wait("early-499", 30_000);
  t.is(rec.status, "cancelled");
  const signals = await (await jetstreamManager(nc)).consumers.info(Stream.Workflows, Consumer.Signals);
  t.true(signals.delivered.consumer_seq >= 2, "the one signal was delivered again: it was held, not applied at once");
  t.deepEqual(await c.dlq(), [], "nothing was dead-lettered");
  t.is((await c.status("early-498"))?.status, "running", "the others still wait");
});

test("an undecodable event fails its workflow even when the first write of that failure fails", async (t) => {
  const { nc } = await startTestNats(t);
  const c = client(t, nc);
  let failureWrites = 0;
  let deadAtRefusal: number | undefined;
  const beforeWrite = async (rec: { id: string; status: string }) => {
    if (rec.id !== "poisoned" || rec.status !== "failed") return;
    failureWrites += 1;
    if (failureWrites > 1) return;
    deadAtRefusal = (await c.dlq()).length;
    throw new Error("disk full (injected)");
  };
  await startCoordinator(t, nc, fixtureRegistry(), { beforeWrite });
  await c.start("fixture-approval", { timeout_ms: 600_000 }, { id: "poisoned" });
  await eventually(async () => (await c.status("poisoned"))?.status === "running", "the workflow to run");
  await jetstream(nc).publish(Subject.event("poisoned"), encode({ type: "no.such/v9", data: {} }));
  const rec = await c.wait("poisoned", 20_000);
  // The failure was written after the refused write (more tries when a sweep's write raced it).
  t.true(
    failureWrites >= 2,
    `the first write of the failure was refused, a later one stored it (${failureWrites} tries)`,
  );
  t.is(rec.status, "failed");
  t.is(rec.error?.code, ErrorCode.InvalidMessage);
  const dead = await eventually(async () => {
    const entries = await c.dlq();
    return entries.length > 0 && entries;
  }, "the event in the DLQ");
  t.is(dead.filter((e) => e.original_subject === "workflow.event.poisoned").length, 1);
  t.is(deadAtRefusal, 0, "nothing was dead-lettered while the failure was not yet stored");
});

test("a record that outgrows a message fails its workflow with RECORD_TOO_LARGE; another workflow completes", async (t) => {
  const { nc } = await startTestNats(t);
  await ensureFixtureStream(nc);
  await startCoordinator(t, nc, fixtureRegistry());
  const faults = faultsFromEnv({ FIXTURE_BIG_OUTPUT: "bloated/step-1=600000,bloated/step-2=600000" });
  await startActor(t, nc, "coder", fixtureBindingsOf("coder", nc, faults));
  const c = client(t, nc);
  await c.start("fixture-steps", { job: "big" }, { id: "bloated" });
  await c.start("fixture-steps", { job: "small" }, { id: "slim" });
  const [bloated, slim] = await Promise.all([c.wait("bloated", 30_000), c.wait("slim", 30_000)]);
  t.is(bloated.status, "failed");
  t.is(bloated.error?.code, ErrorCode.RecordTooLarge);
  t.regex(bloated.error?.message ?? "", /grew to \d+ bytes, over the \d+ bytes one message may hold/);
  t.is(slim.status, "completed");
  const jsm = await jetstreamManager(nc);
  const events = await eventually(async () => {
    const info = await jsm.consumers.info(Stream.History, Consumer.Events);
    return info.num_ack_pending === 0 && info.num_pending === 0 && info;
  }, "every event to be acked");
  const stored = (await jsm.streams.info(Stream.History, { subjects_filter: Subject.allEvents })).state.subjects ?? {};
  const published = Object.values(stored).reduce((a, b) => a + b, 0);
  const redelivered = events.delivered.consumer_seq - published;
  t.true(redelivered <= 1, `nothing loops: ${redelivered} redeliveries of ${published} events`);
});
