// Proves that saga compensation is applied once each in reverse order even when a compensation
// task is redelivered: the actor process running `compensate-step-2` is SIGKILLed right after
// its side effect, the task is redelivered to the other actor process, which runs it again
// (executions are counted where nothing deduplicates them: at least once, as the contract
// says), and the "compensated" log entry exists exactly once.
import test from "ava";
import { startTestNats } from "./helpers/nats.ts";
import { FAST_REDELIVERY, startActorProcess, startCoordinatorProcess } from "./helpers/cluster.ts";
import { ensureFixtureStream } from "./fixtures/runtime/handlers.ts";
import { PatchbayClient } from "../infra/client/index.ts";
import { executions, tasksOf } from "./helpers/effects.ts";

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
  const killed = [a, b].find((s) => s.proc.signalCode === "SIGKILL");
  const undos = await executions(nats.nc, "undo", "comp-redelivery");
  t.deepEqual(tasksOf(undos), ["compensate-step-2", "compensate-step-2", "compensate-step-1"]);
  t.is(
    undos[0]?.pid ?? -1,
    killed?.pid ?? -1,
    "the first run of compensate-step-2 was on the process killed after its effect",
  );
  t.like(undos[1], { delivery: 2, attempt: 1 }, "its redelivery ran it again: execution is at least once");
  t.not(undos[1]?.pid ?? -1, killed?.pid ?? -1);
  const entries = (await client.history("comp-redelivery")).flatMap((e) =>
    e.message?.type === "log/v1" ? e.message.data.entries : [],
  );
  t.is(entries.filter((e) => e.step === "compensated" && e.text.startsWith("step-2")).length, 1);
  t.is(entries.filter((e) => e.step === "compensated" && e.text.startsWith("step-1")).length, 1);
});
