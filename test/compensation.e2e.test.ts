// Proves that saga compensation runs once each in reverse order even when a compensation task
// is redelivered: the actor process running `compensate-step-2` is SIGKILLed right after its
// side effect, the task is redelivered to the other actor process, and the effect and the
// "compensated" log entry still exist exactly once.
import test from "ava";
import { DeliverPolicy, jetstream } from "@nats-io/jetstream";
import { startTestNats } from "./helpers/nats.ts";
import { FAST_REDELIVERY, startActorProcess, startCoordinatorProcess } from "./helpers/cluster.ts";
import { ensureFixtureStream } from "./fixtures/runtime/handlers.ts";
import { PatchbayClient } from "../infra/client/index.ts";
import { decodeRaw } from "../protocol/codec.ts";

test("a redelivered compensation is applied once, in reverse order", async (t) => {
  const nats = await startTestNats(t, FAST_REDELIVERY);
  await ensureFixtureStream(nats.nc);
  await startCoordinatorProcess(t, nats.url);
  const faults = { FIXTURE_FAIL_TASKS: "step-3", FIXTURE_CRASH_ONCE: "compensate-step-2" };
  const a = await startActorProcess(t, nats.url, "coder", faults, 1);
  const b = await startActorProcess(t, nats.url, "coder", faults, 1);
  const client = new PatchbayClient(nats.nc);
  t.teardown(() => client.close());
  await client.start("fixture-steps", { job: "redelivered" }, { id: "comp-redelivery" });
  const rec = await client.wait("comp-redelivery", 60_000);
  t.is(rec.status, "failed");
  t.is(rec.error?.code, "FIXTURE_STEP_FAILED");
  t.true(
    [a, b].some((s) => s.proc.signalCode === "SIGKILL"),
    "one actor died after the compensation's effect",
  );
  const js = jetstream(nats.nc);
  const consumer = await js.consumers.get("FIXTURE", {
    filter_subjects: "fixture.undo.comp-redelivery",
    deliver_policy: DeliverPolicy.All,
  });
  const undone: string[] = [];
  for await (const m of await consumer.fetch({ max_messages: 10, expires: 1_000 })) {
    undone.push((decodeRaw(m.data) as { task: string }).task);
    if (m.info.pending === 0) break;
  }
  t.deepEqual(undone, ["compensate-step-2", "compensate-step-1"]);
  const entries = (await client.history("comp-redelivery")).flatMap((e) =>
    e.message?.type === "log/v1" ? e.message.data.entries : [],
  );
  t.is(entries.filter((e) => e.step === "compensated" && e.text.startsWith("step-2")).length, 1);
  t.is(entries.filter((e) => e.step === "compensated" && e.text.startsWith("step-1")).length, 1);
});
