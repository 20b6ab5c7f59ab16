// Proves, against a real nats-server with in-process coordinators and actors: compensation
// runs in reverse order of completed steps, once each; a failing compensation is recorded and
// shown; a durable timer fires after a coordinator restart while a signal before the deadline
// wins; cancel aborts running tasks and ends `cancelled`; child workflows report to their parent;
// `reset` replays the first N history entries as a new run; a running workflow keeps the
// definition version it started with.
import test from "ava";
import type { NatsConnection } from "@nats-io/transport-node";
import { eventually, startTestNats } from "./helpers/nats.ts";
import { effectsWorkflow } from "./fixtures/runtime/effects-workflow.ts";
import { client, startActor, startCoordinator } from "./helpers/runtime.ts";
import { FixtureTasks, fixtureRegistry, versionedV1 } from "./fixtures/workflows/index.ts";
import { implement } from "../infra/nats/actor-host.ts";
import { ensureFixtureStream, faultsFromEnv, fixtureBindingsOf } from "./fixtures/runtime/handlers.ts";
import { executions, tasksOf } from "./helpers/effects.ts";
import { WorkflowRegistry, builtinWorkflows } from "../services/coordinator/index.ts";
import { noopBinding } from "../actors/bench/index.ts";

/** The task ids of side effects of `kind` for workflow `wf`, in the order they happened. */
const effects = async (nc: NatsConnection, kind: string, wf: string) => tasksOf(await executions(nc, kind, wf));

test("compensation undoes completed steps in reverse order, once each", async (t) => {
  const { nc } = await startTestNats(t);
  await ensureFixtureStream(nc);
  await startCoordinator(t, nc, fixtureRegistry());
  await startActor(t, nc, "coder", fixtureBindingsOf("coder", nc, faultsFromEnv({ FIXTURE_FAIL_TASKS: "step-3" })));
  const c = client(t, nc);
  await c.start("fixture-steps", { job: "j1" }, { id: "saga-1" });
  const rec = await c.wait("saga-1", 20_000);
  t.is(rec.status, "failed");
  t.is(rec.error?.code, "FIXTURE_STEP_FAILED");
  t.deepEqual(await effects(nc, "step", "saga-1"), ["step-1", "step-2"]);
  t.deepEqual(await effects(nc, "undo", "saga-1"), ["compensate-step-2", "compensate-step-1"]);
  const log = (await c.history("saga-1"))
    .filter((e) => e.message?.type === "log/v1")
    .map((e) => JSON.stringify(e.message));
  t.is(log.filter((l) => l.includes("step-2 compensated")).length, 1);
  t.is(log.filter((l) => l.includes("step-1 compensated")).length, 1);
});

test("a partial fan-out failure compensates the siblings that completed, a late one included, once each", async (t) => {
  const { nc } = await startTestNats(t);
  await ensureFixtureStream(nc);
  await startCoordinator(t, nc, fixtureRegistry());
  // part-2 fails at once; part-3 is deaf to the cancel and completes after the failure.
  const faults = faultsFromEnv({ FIXTURE_FAIL_TASKS: "part-2", FIXTURE_SLOW_TASKS: "part-3=800" });
  await startActor(t, nc, "coder", fixtureBindingsOf("coder", nc, faults));
  const c = client(t, nc);
  await c.start("fixture-fanout-saga", { tasks: 3 }, { id: "fan-1" });
  const rec = await c.wait("fan-1", 20_000);
  t.is(rec.status, "failed");
  t.is(rec.error?.code, "FIXTURE_STEP_FAILED");
  t.deepEqual(tasksOf(await executions(nc, "step", "fan-1")).sort(), ["part-1", "part-3"]);
  t.deepEqual(tasksOf(await executions(nc, "undo", "fan-1")).sort(), ["compensate-part-1", "compensate-part-3"]);
  const log = (await c.history("fan-1")).flatMap((e) => (e.message?.type === "log/v1" ? e.message.data.entries : []));
  t.true(
    log.some((e) => e.step === "late.completion" && e.text.startsWith("part-3")),
    "part-3 completed after the failure",
  );
});

test("a failing compensation is recorded, shown, and does not stop the others", async (t) => {
  const { nc } = await startTestNats(t);
  await ensureFixtureStream(nc);
  await startCoordinator(t, nc, fixtureRegistry());
  await startActor(
    t,
    nc,
    "coder",
    fixtureBindingsOf(
      "coder",
      nc,
      faultsFromEnv({ FIXTURE_FAIL_TASKS: "step-3", FIXTURE_FAIL_UNDO: "compensate-step-2" }),
    ),
  );
  const c = client(t, nc);
  await c.start("fixture-steps", { job: "j2" }, { id: "saga-2" });
  const rec = await c.wait("saga-2", 20_000);
  t.is(rec.status, "failed");
  t.deepEqual(
    rec.compensation?.failures.map((f) => [f.task_id, f.code]),
    [["step-2", "FIXTURE_UNDO_FAILED"]],
  );
  t.regex(rec.error?.message ?? "", /compensation failed for step-2/);
  t.deepEqual(await effects(nc, "undo", "saga-2"), ["compensate-step-1"]);
  const history = await c.history("saga-2");
  t.true(
    history.some(
      (e) => e.message?.type === "log/v1" && e.message.data.entries.some((x) => x.step === "compensation.failed"),
    ),
  );
});

test("a timer fires after a coordinator restart; a signal before the deadline wins", async (t) => {
  const { nc } = await startTestNats(t);
  const first = await startCoordinator(t, nc, fixtureRegistry());
  const c = client(t, nc);
  await c.start("fixture-approval", { timeout_ms: 3_000 }, { id: "approved" });
  await c.start("fixture-approval", { timeout_ms: 4_000 }, { id: "expires" });
  await eventually(async () => (await c.status("approved"))?.status === "running", "the start to be applied");
  await c.signal("approved", "approve");
  t.deepEqual((await c.wait("approved", 10_000)).result, { approved: true });
  await first.stop();
  const rec0 = await c.status("expires");
  t.is(rec0?.status, "running", "the coordinator stopped before the deadline");
  await startCoordinator(t, nc, fixtureRegistry());
  const rec = await c.wait("expires", 20_000);
  t.is(rec.status, "failed");
  t.is(rec.error?.code, "APPROVAL_TIMEOUT");
  const approved = await c.status("approved");
  t.like(approved, { status: "completed", result: { approved: true } }, "its deadline, passed since, changed nothing");
});

test("cancel ends a workflow cancelled and aborts its running task", async (t) => {
  const { nc } = await startTestNats(t);
  await ensureFixtureStream(nc);
  await startCoordinator(t, nc, fixtureRegistry().register(effectsWorkflow));
  const host = await startActor(t, nc, "coder", fixtureBindingsOf("coder", nc, faultsFromEnv({})));
  const c = client(t, nc);
  await c.start("effects", { tasks: 1, ms: 10_000 }, { id: "to-cancel" });
  await eventually(async () => host.inFlight === 1, "the slow task to start");
  await c.signal("to-cancel", "cancel");
  const rec = await c.wait("to-cancel", 10_000);
  t.is(rec.status, "cancelled");
  t.is(rec.error?.code, "CANCELLED");
  await eventually(async () => host.inFlight === 0, "the running task to be aborted", 5_000);
  t.deepEqual(await effects(nc, "effect", "to-cancel"), [], "the aborted task had no effect");
});

test("a child workflow reports to its parent", async (t) => {
  const { nc } = await startTestNats(t);
  await startCoordinator(t, nc, fixtureRegistry());
  await startActor(t, nc, "checker", [noopBinding]);
  const c = client(t, nc);
  await c.start("fixture-parent", { child_type: "bench-fanout", child_input: { fanout: 2 } }, { id: "parent-1" });
  const rec = await c.wait("parent-1", 20_000);
  t.is(rec.status, "completed");
  t.is((rec.result as { tasks: number }).tasks, 2);
  const child = await c.status("parent-1-child");
  t.deepEqual(child?.parent, { id: "parent-1", run: 1 });
});

test("reset --event N replays the first N entries and continues as run 2", async (t) => {
  const { nc } = await startTestNats(t);
  await ensureFixtureStream(nc);
  await startCoordinator(t, nc, fixtureRegistry());
  const faulty = await startActor(
    t,
    nc,
    "coder",
    fixtureBindingsOf("coder", nc, faultsFromEnv({ FIXTURE_FAIL_TASKS: "step-2" })),
  );
  const c = client(t, nc);
  await c.start("fixture-steps", { job: "j3" }, { id: "to-reset" });
  t.is((await c.wait("to-reset", 20_000)).status, "failed");
  await faulty.drain();
  await startActor(t, nc, "coder", fixtureBindingsOf("coder", nc, faultsFromEnv({})));
  const history = await c.history("to-reset");
  const step1Done = history.find((e) => e.message?.type === "task.completed/v1" && e.message.data.task_id === "step-1");
  if (!step1Done) return t.fail("step-1 never completed");
  await c.reset("to-reset", step1Done.number + 1);
  const rec = await c.wait("to-reset", 20_000, 2);
  t.is(rec.run, 2);
  t.is(rec.status, "completed");
  t.is((rec.result as { outputs: unknown[] }).outputs.length, 3);
  const steps = await executions(nc, "step", "to-reset");
  t.deepEqual(
    steps.filter((e) => e.run === 2).map((e) => e.task),
    ["step-2", "step-3"],
    "run 2 replayed step-1's completion instead of running it again",
  );
  const after = await c.history("to-reset");
  t.true(
    after.some(
      (e) =>
        e.message?.type === "log/v1" &&
        e.message.data.run === 2 &&
        e.message.data.entries.some((x) => x.step === "reset"),
    ),
  );
});

test("a running workflow keeps the version it started with", async (t) => {
  const { nc } = await startTestNats(t);
  const v1only = await startCoordinator(t, nc, new WorkflowRegistry([...builtinWorkflows, versionedV1]));
  const c = client(t, nc);
  await c.start("fixture-versioned", {}, { id: "v-1" });
  await eventually(async () => (await c.status("v-1"))?.version === 1, "v-1 to start on version 1");
  await v1only.stop();
  await startCoordinator(t, nc, fixtureRegistry());
  await startActor(t, nc, "coder", [
    implement(FixtureTasks.v1, async () => "one"),
    implement(FixtureTasks.v2, async () => "two"),
  ]);
  await c.start("fixture-versioned", {}, { id: "v-2" });
  t.deepEqual((await c.wait("v-1", 20_000)).result, { version: 1, outputs: ["one"] });
  t.deepEqual((await c.wait("v-2", 20_000)).result, { version: 2, outputs: ["two", "two"] });
});
