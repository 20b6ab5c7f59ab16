// Proves hole 7 of issue 7 on a real nats-server: an ended workflow's record leaves the
// `sagas` bucket for `ended` (kept for the retention) while status, history and list still
// find it; a start of an ended id, published again after the duplicate window, is not a
// second workflow; a reset revives an ended workflow as its next run; and list pages through
// ended workflows newest first with a cursor, the running ones on the first page.
import test from "ava";
import { jetstreamManager } from "@nats-io/jetstream";
import { noopBinding } from "../actors/bench/index.ts";
import { publishAll } from "../infra/nats/publish.ts";
import { jetstream } from "@nats-io/jetstream";
import { Bucket } from "../protocol/subjects.ts";
import { startMessage } from "../protocol/workflow.ts";
import { WorkflowRegistry, builtinWorkflows } from "../services/coordinator/index.ts";
import { fixtureRegistry } from "./fixtures/workflows/index.ts";
import { duplicateWindowPassed, eventually, keysOf, startTestNats } from "./helpers/nats.ts";
import { client, startActor, startCoordinator } from "./helpers/runtime.ts";

test("an ended workflow moves to 'ended'; status, history and list still find it; its id is not started again", async (t) => {
  const { nc } = await startTestNats(t, { duplicateWindowMs: 1_000 });
  const first = await startCoordinator(t, nc, new WorkflowRegistry(builtinWorkflows));
  await startActor(t, nc, "checker", [noopBinding]);
  const c = client(t, nc);
  await c.start("bench-fanout", { fanout: 2 }, { id: "done-1" });
  t.is((await c.wait("done-1", 20_000)).status, "completed");
  await eventually(async () => (await keysOf(nc, Bucket.Sagas)).length === 0, "the record to leave sagas");
  t.deepEqual(await keysOf(nc, Bucket.Ended), ["done-1"]);
  t.is((await c.status("done-1"))?.status, "completed");
  t.true((await c.history("done-1")).length > 2);
  t.deepEqual(
    (await c.list()).map((r) => r.id),
    ["done-1"],
  );

  await duplicateWindowPassed(nc, 1_000);
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  await first.stop();
  await startCoordinator(t, nc, new WorkflowRegistry(builtinWorkflows)); // a replica that never saw done-1
  const seqBefore = (await jsm.streams.info("WORKFLOWS")).state.last_seq;
  await publishAll(nc, js, [startMessage("bench-fanout", "done-1", { fanout: 5 })]);
  const seqAfter = (await jsm.streams.info("WORKFLOWS")).state.last_seq;
  t.is(seqAfter, seqBefore + 1, "the repeated start was stored, not deduplicated by its msg-id");
  await eventually(
    async () => (await jsm.streams.info("WORKFLOWS")).state.messages === 0,
    "the repeated start to be consumed",
  );
  t.deepEqual(await keysOf(nc, Bucket.Sagas), [], "no second workflow");
  t.like(await c.status("done-1"), { status: "completed", result: { tasks: 2 } });
});

test("a reset of an ended workflow runs as its next run", async (t) => {
  const { nc } = await startTestNats(t);
  await startCoordinator(t, nc, fixtureRegistry());
  const c = client(t, nc);
  await c.start("fixture-approval", { timeout_ms: 600_000 }, { id: "again" });
  await eventually(async () => (await c.status("again"))?.status === "running", "the start");
  await c.signal("again", "approve");
  t.is((await c.wait("again", 20_000)).status, "completed");
  await eventually(async () => (await keysOf(nc, Bucket.Sagas)).length === 0, "the record to leave sagas");
  await c.reset("again", 1);
  await eventually(async () => (await c.status("again"))?.run === 2, "run 2");
  t.is((await c.status("again"))?.status, "running");
  await c.signal("again", "reject");
  t.like(await c.wait("again", 20_000, 2), { status: "completed", run: 2, result: { approved: false } });
});

test("list pages ended workflows newest first with a cursor; running ones come first", async (t) => {
  const { nc } = await startTestNats(t);
  await startCoordinator(t, nc, new WorkflowRegistry([...builtinWorkflows, ...fixtureRegistry().all()]));
  await startActor(t, nc, "checker", [noopBinding]);
  const c = client(t, nc);
  for (let i = 0; i < 25; i++) {
    await c.start("bench-fanout", { fanout: 1 }, { id: `old-${String(i).padStart(2, "0")}` });
    await c.wait(`old-${String(i).padStart(2, "0")}`, 20_000);
  }
  await c.start("fixture-approval", { timeout_ms: 600_000 }, { id: "live" });
  await eventually(async () => (await c.status("live"))?.status === "running", "the live one");
  await eventually(async () => (await keysOf(nc, Bucket.Sagas)).length === 1, "ended records to move");
  const first = await c.listPage({ limit: 10 });
  t.deepEqual(
    first.workflows.map((r) => r.id),
    ["live", ...[24, 23, 22, 21, 20, 19, 18, 17, 16].map((i) => `old-${i}`)],
  );
  t.truthy(first.next);
  const second = await c.listPage({ limit: 10, before: first.next });
  t.deepEqual(
    second.workflows.map((r) => r.id),
    [15, 14, 13, 12, 11, 10, "09", "08", "07", "06"].map((i) => `old-${i}`),
  );
  const third = await c.listPage({ limit: 10, before: second.next });
  t.deepEqual(
    third.workflows.map((r) => r.id),
    ["05", "04", "03", "02", "01", "00"].map((i) => `old-${i}`),
  );
  t.is(third.next, undefined);
  t.deepEqual(
    (await c.listPage({ status: "running" })).workflows.map((r) => r.id),
    ["live"],
  );
});
