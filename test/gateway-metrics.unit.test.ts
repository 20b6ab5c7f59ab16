// The gateway metrics' record diff (services/gateway/metrics-feed.ts), fed saga records by hand:
// a workflow counts as started once, only when created since the metrics started and written
// more than once (a lone create is an ended id's start published again); its terminal record
// (written to `sagas`, then copied to `ended`) ends it once; a pending task that leaves the
// record is timed with the outcome the record shows; model usage counts the growth between
// writes (not what was spent before the gateway watched, nothing on a reset).
import test from "ava";
import { Registry } from "prom-client";
import type { PendingTask, SagaRecord } from "../protocol/saga.ts";
import { RecordFeed, feedMetrics } from "../services/gateway/metrics-feed.ts";
import { parseMetrics, valueOf } from "./helpers/prometheus.ts";

/** When the metrics started (epoch ms). */
const SINCE = 1_700_000_000_000;

function setUp() {
  const registry = new Registry();
  const feed = new RecordFeed(feedMetrics(registry), SINCE);
  return { feed, read: async () => parseMetrics(await registry.metrics()) };
}

function record(over: Partial<SagaRecord> = {}): SagaRecord {
  return {
    id: "w1",
    type: "bench-fanout",
    version: 1,
    run: 1,
    status: "running",
    input: {},
    state: {},
    created_at: SINCE + 10,
    updated_at: SINCE + 10,
    pending: {},
    children: {},
    timers: {},
    steps: [],
    seen: [],
    log_count: 1,
    outbox: [],
    ...over,
  };
}

function task(over: Partial<PendingTask> = {}): PendingTask {
  return {
    role: "checker",
    kind: "bench.noop",
    input: {},
    attempt: 1,
    max_attempts: 3,
    timeout_ms: 300,
    queue_timeout_ms: 5_000,
    dispatched_at: SINCE + 10,
    deadline: SINCE + 5_010,
    ...over,
  };
}

const NOOP = { role: "checker", kind: "bench.noop" };
const usage = (input: number, output: number, requests: number, cost: number) => ({
  input_tokens: input,
  output_tokens: output,
  requests,
  cost_usd: cost,
});

test("a workflow starts once, its tasks are timed, and its terminal record, written twice, ends it once", async (t) => {
  const { feed, read } = setUp();
  const started = { at: SINCE + 20, seq: 7, delivery: 1, runner: "host:1" };
  feed.observe(record({ pending: { t1: task(), t2: task() } }));
  feed.observe(record({ pending: { t1: task(), t2: task() }, outbox: [] })); // the sweep clears its outbox
  feed.observe(
    record({ updated_at: SINCE + 20, pending: { t1: task({ started, deadline: SINCE + 320 }), t2: task() } }),
  );
  t.deepEqual([...feed.runningByType()], [["bench-fanout", 1]]);
  feed.observe(record({ updated_at: SINCE + 260, pending: { t2: task() } }));
  const done = record({ status: "completed", updated_at: SINCE + 2_010, result: { tasks: 2 } });
  feed.observe(done);
  feed.observe(done); // the copy in `ended`
  feed.removed("w1"); // a delete or purge marker of its `sagas` key changes nothing
  const m = await read();
  t.is(valueOf(m, "patchbay_workflows_started_total", { type: "bench-fanout" }), 1);
  t.is(valueOf(m, "patchbay_workflows_ended_total", { type: "bench-fanout", status: "completed" }), 1);
  const ended = { type: "bench-fanout", status: "completed" };
  t.is(valueOf(m, "patchbay_workflow_duration_seconds_count", ended), 1);
  t.is(valueOf(m, "patchbay_workflow_duration_seconds_sum", ended), 2);
  const settled = { ...NOOP, outcome: "settled" };
  t.is(valueOf(m, "patchbay_task_duration_seconds_count", settled), 2);
  t.is(valueOf(m, "patchbay_task_duration_seconds_sum", settled), 0.25 + 2);
  t.is(valueOf(m, "patchbay_task_run_seconds_count", NOOP), 1, "only t1 was reported started");
  t.is(valueOf(m, "patchbay_task_run_seconds_sum", NOOP), 0.24);
  t.deepEqual([...feed.runningByType()], [["bench-fanout", 0]]);
});

test("a workflow first seen mid-run, or a later run of a reset, is not a start; its end is counted", async (t) => {
  const { feed, read } = setUp();
  feed.observe(record({ id: "old", created_at: SINCE - 60_000, updated_at: SINCE + 100, pending: { t1: task() } }));
  feed.observe(record({ id: "old", created_at: SINCE - 60_000, status: "failed", updated_at: SINCE + 1_000 }));
  feed.observe(record({ id: "revived", run: 2, created_at: SINCE + 5, updated_at: SINCE + 2_000 }));
  t.true(feed.tracks("revived"));
  const m = await read();
  t.is(valueOf(m, "patchbay_workflows_started_total", { type: "bench-fanout" }), undefined);
  t.is(valueOf(m, "patchbay_workflows_ended_total", { type: "bench-fanout", status: "failed" }), 1);
  t.is(valueOf(m, "patchbay_workflow_duration_seconds_sum", { type: "bench-fanout", status: "failed" }), 61);
  t.is(valueOf(m, "patchbay_task_duration_seconds_count", { ...NOOP, outcome: "settled" }), 1);
});

test("model usage counts its growth between writes, from zero for a start, from the first record seen otherwise", async (t) => {
  const { feed, read } = setUp();
  const type = "code-patch";
  feed.observe(record({ type, usage: usage(100, 20, 1, 0.001) }));
  feed.observe(record({ type, usage: usage(300, 50, 2, 0.003) }));
  const before = SINCE - 1_000;
  feed.observe(record({ id: "mid", type, created_at: before, usage: usage(5_000, 500, 9, 0.5) }));
  feed.observe(record({ id: "mid", type, created_at: before, usage: usage(5_400, 600, 10, 0.6) }));
  // A reset replays run 1's first events: its usage drops, and only what it spends anew counts.
  feed.observe(record({ id: "mid", type, run: 2, created_at: before, usage: usage(1_000, 100, 2, 0.1) }));
  feed.observe(record({ id: "mid", type, run: 2, created_at: before, usage: usage(1_200, 110, 3, 0.12) }));
  const m = await read();
  t.is(valueOf(m, "patchbay_model_tokens_total", { type, kind: "input" }), 300 + 400 + 200);
  t.is(valueOf(m, "patchbay_model_tokens_total", { type, kind: "output" }), 50 + 100 + 10);
  t.is(valueOf(m, "patchbay_model_requests_total", { type }), 2 + 1 + 1);
  t.is(valueOf(m, "patchbay_model_cost_usd_total", { type }), 0.003 + 0.1 + 0.02);
});

test("a task past its deadline is a timeout (queue_timeout if never started); a cancel or a reset drops the pending ones", async (t) => {
  const { feed, read } = setUp();
  const started = { at: SINCE + 20, seq: 1, delivery: 1, runner: "host:1" };
  const running = task({ kind: "hang", started, deadline: SINCE + 320 });
  feed.observe(record({ pending: { t1: running, t2: task({ kind: "queued" }) } }));
  const redispatched = task({ kind: "hang", attempt: 2, dispatched_at: SINCE + 330, deadline: SINCE + 5_330 });
  feed.observe(record({ updated_at: SINCE + 330, pending: { t1: redispatched, t2: task({ kind: "queued" }) } }));
  feed.observe(record({ updated_at: SINCE + 5_010, pending: { t1: redispatched } }));
  feed.observe(record({ id: "c", pending: { t3: task({ kind: "cancelled" }) } }));
  feed.observe(record({ id: "c", status: "cancelled", updated_at: SINCE + 50 }));
  feed.observe(record({ id: "r", pending: { t4: task({ kind: "reset" }) } }));
  feed.observe(record({ id: "r", run: 2, updated_at: SINCE + 60, pending: { t4: task({ kind: "reset" }) } }));
  const m = await read();
  const count = (kind: string, outcome: string) =>
    valueOf(m, "patchbay_task_duration_seconds_count", { role: "checker", kind, outcome });
  t.is(count("hang", "timeout"), 1, "the re-dispatched attempt");
  t.is(valueOf(m, "patchbay_task_run_seconds_sum", { role: "checker", kind: "hang" }), 0.31);
  t.is(count("queued", "queue_timeout"), 1);
  t.is(count("cancelled", "dropped"), 1);
  t.is(count("reset", "dropped"), 1);
  t.is(count("hang", "settled"), undefined, "attempt 2 is still pending");
});

test("a create of an ended id, purged at once, is not a start; nor is any lone first write", async (t) => {
  const { feed, read } = setUp();
  feed.observe(record({ id: "done" }));
  feed.observe(record({ id: "done", status: "completed", updated_at: SINCE + 100 }));
  // Its start published again after the duplicate window: the coordinator creates, then purges.
  feed.observe(record({ id: "done", created_at: SINCE + 9_000, updated_at: SINCE + 9_000 }));
  // The same for an id that ended before the metrics started: a reconcile finds it in `ended`.
  feed.observe(record({ id: "older", created_at: SINCE + 9_000, updated_at: SINCE + 9_000 }));
  feed.observe(record({ id: "older", status: "completed", created_at: SINCE - 9_000, updated_at: SINCE - 8_000 }));
  feed.observe(record({ id: "stray" }));
  t.deepEqual(feed.trackedIds(), ["stray"]);
  feed.removed("stray");
  t.deepEqual(feed.trackedIds(), []);
  const m = await read();
  t.is(valueOf(m, "patchbay_workflows_started_total", { type: "bench-fanout" }), 1);
  t.is(valueOf(m, "patchbay_workflows_ended_total", { type: "bench-fanout", status: "completed" }), 1);
});
