// Proves that a message published twice is harmless whatever the duplicate window (hole 1 of
// issue 7), on a real nats-server whose window is shortened to 1 s: a coordinator stops before
// it cleared its published outbox; after the window, the next coordinator's start-up scan
// publishes that outbox again, so TASKS holds two copies of each task and HISTORY two copies of
// the log. Each task still runs once (executions counted where nothing deduplicates them), the
// workflow completes, and its history counts every message once.
import test from "ava";
import { jetstreamManager } from "@nats-io/jetstream";
import { Stream, Subject } from "../protocol/subjects.ts";
import { effectsWorkflow } from "./fixtures/runtime/effects-workflow.ts";
import { ensureFixtureStream, faultsFromEnv, fixtureBindingsOf } from "./fixtures/runtime/handlers.ts";
import { fixtureRegistry } from "./fixtures/workflows/index.ts";
import { executions, repeated } from "./helpers/effects.ts";
import { duplicateWindowPassed, eventually, startTestNats } from "./helpers/nats.ts";
import { client, startActor, startCoordinator } from "./helpers/runtime.ts";

const WINDOW_MS = 1_000;

test("an outbox published again after the duplicate window runs each task once and logs each step once", async (t) => {
  const { nc } = await startTestNats(t, { duplicateWindowMs: WINDOW_MS });
  await ensureFixtureStream(nc);
  const registry = fixtureRegistry().register(effectsWorkflow);
  const first = await startCoordinator(t, nc, registry, { clearPublishedOutboxes: false });
  const c = client(t, nc);
  await c.start("effects", { tasks: 2 }, { id: "dup-1" });
  const jsm = await jetstreamManager(nc);
  await eventually(
    async () => (await jsm.streams.info(Stream.Tasks)).state.messages === 2,
    "the two tasks to be queued",
  );
  await first.stop();
  await duplicateWindowPassed(nc, WINDOW_MS);
  await startCoordinator(t, nc, registry);
  await eventually(
    async () => (await jsm.streams.info(Stream.Tasks)).state.messages === 4,
    "the outbox to be published again",
  );

  await startActor(t, nc, "coder", fixtureBindingsOf("coder", nc, faultsFromEnv({})));
  await startActor(t, nc, "checker", fixtureBindingsOf("checker", nc, faultsFromEnv({})));
  const rec = await c.wait("dup-1", 20_000);
  t.is(rec.status, "completed");
  t.deepEqual(rec.result, { done: 4 });
  const runs = await executions(nc, "effect", "dup-1");
  t.is(runs.length, 4, "four tasks ran");
  t.deepEqual([...repeated(runs)], [], "no task ran twice");
  const history = await c.history("dup-1");
  const logged = history.flatMap((e) =>
    e.message?.type === "log/v1" ? e.message.data.entries.map((x) => x.step) : [],
  );
  t.is(logged.filter((s) => s === "started").length, 1, "the start is logged once");
  const logSubject = Subject.log("dup-1");
  const stored = (await jsm.streams.info(Stream.History, { subjects_filter: logSubject })).state.subjects ?? {};
  const shown = history.filter((e) => e.subject === logSubject).length;
  t.true((stored[logSubject] ?? 0) > shown, `HISTORY holds ${stored[logSubject]} log messages, the history ${shown}`);
});
