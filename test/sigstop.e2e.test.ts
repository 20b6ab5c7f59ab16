// Proves hole 6 of issue 7 with real processes: an actor process SIGSTOPped in the middle of a
// task, past the consumer's ack wait, loses the task to a redelivery on the other process;
// when it is SIGCONTed it finds it was taken over and neither acts nor reports. The task's
// effect runs once (counted where nothing deduplicates it) and the workflow completes.
import test from "ava";
import { FAST_REDELIVERY, startActorProcess, startCoordinatorProcess } from "./helpers/cluster.ts";
import { executions } from "./helpers/effects.ts";
import { eventually, startTestNats } from "./helpers/nats.ts";
import { waitForOutput } from "./helpers/processes.ts";
import { ensureFixtureStream } from "./fixtures/runtime/handlers.ts";
import { PatchbayClient } from "../infra/client/index.ts";

test("a worker frozen past the ack wait, then resumed: one effect, the workflow completes", async (t) => {
  const nats = await startTestNats(t, FAST_REDELIVERY);
  await ensureFixtureStream(nats.nc);
  await startCoordinatorProcess(t, nats.url);
  const faults = { FIXTURE_SLOW_TASKS: "step-1=3000" };
  const actors = [
    await startActorProcess(t, nats.url, "coder", faults, 1),
    await startActorProcess(t, nats.url, "coder", faults, 1),
  ];
  const client = new PatchbayClient(nats.nc);
  t.teardown(() => client.close());
  await client.start("fixture-steps", { job: "frozen" }, { id: "frozen" });

  const started = await eventually(async () => {
    const history = await client.history("frozen");
    return history.flatMap((e) => (e.message?.type === "task.started/v1" ? [e.message.data] : []))[0];
  }, "step-1 to start");
  const frozen = actors.find((a) => started.runner.endsWith(`:${a.pid}`));
  if (!frozen) return t.fail(`no actor runs step-1 (${started.runner})`);
  frozen.proc.kill("SIGSTOP");
  t.teardown(() => frozen.proc.kill("SIGCONT"));
  await eventually(
    async () => {
      const history = await client.history("frozen");
      return history.some((e) => e.message?.type === "task.completed/v1" && e.message.data.task_id === "step-1");
    },
    "the redelivery on the other process to finish step-1",
    30_000,
  );
  frozen.proc.kill("SIGCONT");
  await waitForOutput(frozen, /step-1 attempt 1 delivery 1 was taken over/, 20_000);

  const rec = await client.wait("frozen", 30_000);
  t.is(rec.status, "completed");
  const runs = (await executions(nats.nc, "step", "frozen")).filter((e) => e.task === "step-1");
  t.is(runs.length, 1, "step-1's effect ran once");
  t.like(runs[0], { delivery: 2 });
  t.not(runs[0]?.pid ?? -1, frozen.pid, "on the process that took it over");
  // A second report of step-1 would carry the same msg-id as the first and be deduplicated by
  // JetStream inside the window, so the frozen process's silence is read from its own log above.
  t.deepEqual((rec.result as { outputs: unknown[] }).outputs.length, 3);
});
