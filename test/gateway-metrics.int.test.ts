// The gateway's `GET /metrics` (services/gateway/metrics.ts) on a real nats-server, with the
// coordinator and actor hosts in process and the metrics served by `serveMetrics` on a real
// HTTP server: the counters equal what ran (starts, ends by status, durations, every task
// timed), a workflow running before the metrics started is not a start but its end counts,
// the queue and DLQ gauges equal JetStream's own numbers, a start of an ended id published
// again is not a workflow, and with NATS down a scrape still answers, leaving out what it
// could not read and counting the errors.
import test, { type ExecutionContext } from "ava";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { noopBinding } from "../actors/bench/index.ts";
import { publishAll } from "../infra/nats/publish.ts";
import { encode } from "../protocol/codec.ts";
import { BUILTIN_ROLES } from "../protocol/roles.ts";
import { Bucket } from "../protocol/subjects.ts";
import { startMessage } from "../protocol/workflow.ts";
import type { PatchbayClient } from "../infra/client/index.ts";
import { serveMetrics, startMetrics } from "../services/gateway/metrics.ts";
import { ensureFixtureStream, faultsFromEnv, fixtureBindingsOf } from "./fixtures/runtime/handlers.ts";
import { fixtureRegistry } from "./fixtures/workflows/index.ts";
import { duplicateWindowPassed, eventually, keysOf, startTestNats } from "./helpers/nats.ts";
import { parseMetrics, samplesOf, valueOf, type Sample } from "./helpers/prometheus.ts";
import { client, startActor, startCoordinator } from "./helpers/runtime.ts";
import type { NatsConnection } from "@nats-io/transport-node";

const FANOUT = 4;

/** Starts the metrics and serves them on a real HTTP server; resolves the scrape URL. */
async function serve(t: ExecutionContext, nc: NatsConnection, c: PatchbayClient): Promise<string> {
  const metrics = await startMetrics(nc, c);
  const server = createServer((_req, res) => void serveMetrics(metrics, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.teardown(async () => {
    metrics.stop();
    await new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

/** GETs the metrics: 200 in Prometheus' text format, parsed. */
async function scrape(t: ExecutionContext, url: string): Promise<Sample[]> {
  const res = await fetch(url);
  t.is(res.status, 200);
  t.is(res.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  return parseMetrics(await res.text());
}

test("GET /metrics counts what ran, and reads the queues and the DLQ as JetStream reports them", async (t) => {
  const { nc } = await startTestNats(t);
  await ensureFixtureStream(nc);
  await startCoordinator(t, nc, fixtureRegistry());
  const c = client(t, nc);
  await c.start("fixture-approval", { timeout_ms: 600_000 }, { id: "before" });
  await eventually(async () => (await c.status("before"))?.status === "running", "a workflow running before");
  const url = await serve(t, nc, c);
  t.is(valueOf(await scrape(t, url), "patchbay_workflows_running", { type: "fixture-approval" }), 1);

  await startActor(t, nc, "checker", [noopBinding]);
  const faults = faultsFromEnv({ FIXTURE_FAIL_TASKS: "step-2", FIXTURE_SLOW_TASKS: "step-1=1200" });
  await startActor(t, nc, "coder", fixtureBindingsOf("coder", nc, faults));
  const fans = ["fan-1", "fan-2", "fan-3", "fan-4", "fan-5"];
  for (const id of fans) await c.start("bench-fanout", { fanout: FANOUT }, { id });
  await c.start("fixture-steps", { job: "metrics" }, { id: "steps" }); // step-2 fails: step-1 is undone
  await c.signal("before", "approve");
  for (const id of [...fans, "before"]) t.is((await c.wait(id, 30_000)).status, "completed");
  t.is((await c.wait("steps", 30_000)).status, "failed");
  const js = jetstream(nc);
  await js.publish("task.checker", new Uint8Array([0xc1, 0xc1])); // undecodable: dead-lettered
  for (const n of [1, 2]) await js.publish("task.architect", encode({ n })); // no architect runs
  const jsm = await jetstreamManager(nc);
  await eventually(async () => (await jsm.streams.info("DLQ")).state.messages === 1, "the DLQ entry");
  await eventually(async () => (await keysOf(nc, Bucket.Sagas)).length === 0, "every record to leave sagas");

  const m = await scrape(t, url);
  t.is(valueOf(m, "patchbay_workflows_started_total", { type: "bench-fanout" }), 5);
  t.is(valueOf(m, "patchbay_workflows_started_total", { type: "fixture-steps" }), 1);
  t.is(samplesOf(m, "patchbay_workflows_started_total").length, 2, "the approval started before the metrics");
  const ended = (type: string, status: string) => valueOf(m, "patchbay_workflows_ended_total", { type, status });
  t.is(ended("bench-fanout", "completed"), 5);
  t.is(ended("fixture-steps", "failed"), 1);
  t.is(ended("fixture-approval", "completed"), 1);
  t.is(samplesOf(m, "patchbay_workflows_ended_total").length, 3);
  const workflows = { type: "bench-fanout", status: "completed" };
  t.is(valueOf(m, "patchbay_workflow_duration_seconds_count", workflows), 5);
  t.true(valueOf(m, "patchbay_workflow_duration_seconds_sum", { type: "fixture-steps", status: "failed" })! >= 1.2);
  for (const type of ["bench-fanout", "fixture-steps", "fixture-approval"])
    t.is(valueOf(m, "patchbay_workflows_running", { type }), 0, type);

  const tasks = (role: string, kind: string) =>
    valueOf(m, "patchbay_task_duration_seconds_count", { role, kind, outcome: "settled" });
  t.is(tasks("checker", "bench.noop"), 5 * FANOUT);
  t.is(tasks("coder", "fixture.step"), 2);
  t.is(tasks("coder", "fixture.undo"), 1);
  t.is(samplesOf(m, "patchbay_task_duration_seconds_count").length, 3, "no other outcome");
  const step = { role: "coder", kind: "fixture.step" };
  t.is(valueOf(m, "patchbay_task_run_seconds_count", step), 1, "step-1 ran over a second: reported started");
  t.true(valueOf(m, "patchbay_task_run_seconds_sum", step)! >= 1.2);

  for (const role of BUILTIN_ROLES) {
    const info = await jsm.consumers.info("TASKS", `actor-${role}`);
    t.is(valueOf(m, "patchbay_consumer_pending", { role }), info.num_pending, role);
    t.is(valueOf(m, "patchbay_consumer_ack_pending", { role }), info.num_ack_pending, role);
    t.is(valueOf(m, "patchbay_consumer_redelivered", { role }), info.num_redelivered, role);
  }
  t.is(valueOf(m, "patchbay_consumer_pending", { role: "architect" }), 2);
  t.is(valueOf(m, "patchbay_dlq_messages"), (await jsm.streams.info("DLQ")).state.messages);
  t.is(valueOf(m, "patchbay_dlq_messages"), 1);
  t.deepEqual(samplesOf(m, "patchbay_scrape_errors_total"), []);
});

test("a start of an ended id published again after the duplicate window is not a workflow", async (t) => {
  const { nc } = await startTestNats(t, { duplicateWindowMs: 1_000 });
  const first = await startCoordinator(t, nc, fixtureRegistry());
  await startActor(t, nc, "checker", [noopBinding]);
  const c = client(t, nc);
  await c.start("bench-fanout", { fanout: 2 }, { id: "done-1" });
  t.is((await c.wait("done-1", 20_000)).status, "completed");
  await eventually(async () => (await keysOf(nc, Bucket.Sagas)).length === 0, "the record to leave sagas");
  const url = await serve(t, nc, c);
  await duplicateWindowPassed(nc, 1_000);
  await first.stop();
  await startCoordinator(t, nc, fixtureRegistry()); // a replica that never saw done-1 creates its record again
  const jsm = await jetstreamManager(nc);
  const seq = (await jsm.streams.info("WORKFLOWS")).state.last_seq;
  await publishAll(nc, jetstream(nc), [startMessage("bench-fanout", "done-1", { fanout: 2 })]);
  t.is((await jsm.streams.info("WORKFLOWS")).state.last_seq, seq + 1, "the start was stored again");
  await eventually(async () => (await jsm.streams.info("WORKFLOWS")).state.messages === 0, "the start consumed");
  await eventually(async () => (await keysOf(nc, Bucket.Sagas)).length === 0, "its record created and purged");
  const m = await scrape(t, url);
  t.deepEqual(samplesOf(m, "patchbay_workflows_started_total"), []);
  t.deepEqual(samplesOf(m, "patchbay_workflows_ended_total"), []);
  t.is(valueOf(m, "patchbay_workflows_running", { type: "bench-fanout" }), 0, "the purged record is not running");
});

test("with NATS down a scrape answers 200: the counters, no gauge it could not read, the errors counted", async (t) => {
  const nats = await startTestNats(t);
  const coordinator = await startCoordinator(t, nats.nc, fixtureRegistry());
  const host = await startActor(t, nats.nc, "checker", [noopBinding]);
  const c = client(t, nats.nc);
  const url = await serve(t, nats.nc, c);
  await c.start("bench-fanout", { fanout: 2 }, { id: "fan" });
  t.is((await c.wait("fan", 20_000)).status, "completed");
  const up = await scrape(t, url);
  t.is(samplesOf(up, "patchbay_consumer_pending").length, BUILTIN_ROLES.length);
  t.is(valueOf(up, "patchbay_dlq_messages"), 0);
  await host.drain();
  await coordinator.stop();
  await nats.server.stop();

  const began = Date.now();
  const down = await scrape(t, url);
  t.log(`scrape with NATS down: ${Date.now() - began} ms`);
  t.is(valueOf(down, "patchbay_workflows_ended_total", { type: "bench-fanout", status: "completed" }), 1);
  for (const gauge of ["pending", "ack_pending", "redelivered"])
    t.deepEqual(samplesOf(down, `patchbay_consumer_${gauge}`), [], gauge);
  t.is(valueOf(down, "patchbay_dlq_messages"), undefined);
  t.is(valueOf(down, "patchbay_scrape_errors_total", { source: "consumer" }), BUILTIN_ROLES.length);
  t.is(valueOf(down, "patchbay_scrape_errors_total", { source: "dlq" }), 1);
  t.is(valueOf(down, "patchbay_scrape_errors_total", { source: "reconcile" }), 1);
});
