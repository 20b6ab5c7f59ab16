// Proves issue 14's "queued is not late" on a real nats-server: one coder at concurrency 1
// takes 10 workflows of 3 tasks of 1.5 s each (45 s of work queued at once), with a
// start-to-close of 3.5 s — far less than the last task waits in the queue. No task is
// re-dispatched, every task runs exactly once (executions counted where nothing deduplicates
// them) and is delivered once under an ack wait shorter than one task (the actor pulls only
// what it starts), and every workflow completes; while the backlog lasts, `status` shows each pending
// task as queued or running.
import test from "ava";
import { jetstreamManager } from "@nats-io/jetstream";
import { Consumer, Stream } from "../protocol/subjects.ts";
import { effectsWorkflow } from "./fixtures/runtime/effects-workflow.ts";
import { ensureFixtureStream, faultsFromEnv, fixtureBindingsOf } from "./fixtures/runtime/handlers.ts";
import { fixtureRegistry } from "./fixtures/workflows/index.ts";
import { executions, repeated } from "./helpers/effects.ts";
import { statusLines } from "../services/cli/format.ts";
import { eventually, startTestNats } from "./helpers/nats.ts";
import { client, startActor, startCoordinator } from "./helpers/runtime.ts";

const WORKFLOWS = 10;
const TASKS = 3;

test("a backlog on one worker at concurrency 1: no re-dispatch, each task once, all complete", async (t) => {
  // An ack wait shorter than one task: a task pulled but not started would be redelivered.
  const { nc } = await startTestNats(t, { taskAckWaitMs: 1_000 });
  await ensureFixtureStream(nc);
  await startCoordinator(t, nc, fixtureRegistry().register(effectsWorkflow));
  await startActor(t, nc, "coder", fixtureBindingsOf("coder", nc, faultsFromEnv({})), 1);
  const c = client(t, nc);
  const ids = Array.from({ length: WORKFLOWS }, (_, i) => `backlog-${i}`);
  const input = { tasks: TASKS, ms: 1_500, rounds: 1, task_timeout_ms: 3_500 };
  await Promise.all(ids.map((id) => c.start("effects", input, { id })));

  const last = await eventually(async () => {
    const rec = await c.status(ids.at(-1) as string);
    return rec && Object.keys(rec.pending).length === TASKS && rec;
  }, "the last workflow's tasks to be queued");
  t.true(
    Object.values(last.pending).every((task) => task.started === undefined),
    "its tasks wait, not started",
  );
  const queues = await c.queues(["coder"]);
  t.true((queues.coder?.queued ?? 0) >= TASKS, `coder backlog ${JSON.stringify(queues)}`);
  const queuedLines = statusLines(last, Date.now(), queues).filter((l) => l.startsWith("pending: "));
  t.is(queuedLines.length, TASKS);
  t.true(
    queuedLines.every((l) => /: queued for [\d.]+ s, \d+ task\(s\) queued for coder$/.test(l)),
    queuedLines.join("\n"),
  );
  const running = await eventually(async () => {
    const rec = await c.status(ids[0] as string);
    return rec && Object.values(rec.pending).some((task) => task.started) && rec;
  }, "the first workflow's running task to report its start");
  t.true(statusLines(running).some((l) => / running on local:\d+ for [\d.]+ s$/.test(l)));

  const records = await Promise.all(ids.map((id) => c.wait(id, 110_000)));
  t.deepEqual(
    records.map((r) => r.status),
    ids.map(() => "completed"),
  );
  const runs = await executions(nc, "effect");
  t.is(runs.length, WORKFLOWS * TASKS, "each task ran");
  t.deepEqual([...repeated(runs)], [], "no task ran twice");
  // Every delivery counts here, redeliveries too: a task pulled and left waiting for a slot
  // past the ack wait would be delivered again (and then dropped by the fence, unseen above).
  const coder = await (await jetstreamManager(nc)).consumers.info(Stream.Tasks, Consumer.actor("coder"));
  t.is(coder.delivered.consumer_seq, WORKFLOWS * TASKS, "each task delivered once");
  const histories = await Promise.all(ids.map((id) => c.history(id)));
  const redispatched = histories
    .flat()
    .filter((e) => e.message?.type === "log/v1" && e.message.data.entries.some((x) => x.step === "redispatched"));
  t.deepEqual(redispatched, [], "no task was re-dispatched");
});
