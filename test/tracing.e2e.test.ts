// Proves tracing (docs/architecture.md, "Actors"; README, "Tracing") with real processes: with OTEL_EXPORTER_OTLP_ENDPOINT set,
// a fixture coordinator and three fixture actors (two coders, one checker) export OTLP
// http/json to a local receiver, and one `effects` workflow is one trace there: the
// coordinator's workflow and step spans and the task spans of both coder processes and of
// the checker share one trace id and hang under the workflow span; a start published with a
// W3C `traceparent` header continues the caller's trace.
import test from "ava";
import type { ExecutionContext } from "ava";
import { randomBytes } from "node:crypto";
import { eventually, startTestNats } from "./helpers/nats.ts";
import { spawnService, type Service } from "./helpers/processes.ts";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "./helpers/otlp-receiver.ts";
import { ensureFixtureStream } from "./fixtures/runtime/handlers.ts";
import { PatchbayClient } from "../infra/client/index.ts";

const COORDINATOR = "test/fixtures/runtime/coordinator-main.ts";
const ACTOR = "test/fixtures/runtime/actor-main.ts";
/** The task spans of the effects workflow: round 1 on the coders, round 2 on the checker. */
const TASK_SPANS = new Set(["task fixture.effect", "task fixture.checker-effect"]);
const WORKFLOW_SPAN = "workflow effects";

/** Real processes exporting to one receiver. */
interface TracedCluster {
  receiver: OtlpReceiver;
  client: PatchbayClient;
  coordinator: Service;
  coders: Service[];
  checker: Service;
}

/** A nats-server, a receiver, a coordinator, `coders` coder actors and one checker actor, all traced. */
async function startTracedCluster(t: ExecutionContext, coders: number): Promise<TracedCluster> {
  const nats = await startTestNats(t);
  await ensureFixtureStream(nats.nc);
  const receiver = await startOtlpReceiver(t);
  const env = { NATS_URL: nats.url, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint };
  const actor = (role: string) => spawnService(t, `actor-${role}`, ACTOR, env, [role, "--concurrency", "1"]);
  const coordinator = await spawnService(t, "coordinator", COORDINATOR, env);
  const coderProcs = await Promise.all(Array.from({ length: coders }, () => actor("coder")));
  const checker = await actor("checker");
  const client = new PatchbayClient(nats.nc);
  t.teardown(() => client.close());
  return { receiver, client, coordinator, coders: coderProcs, checker };
}

/** The service name a fixture process exports under. */
function serviceOf(s: Service, role: string): string {
  return `fixture-${role}-${s.pid}`;
}

/** The trace id of a W3C traceparent. */
function traceIdOf(traceparent: string | undefined): string | undefined {
  return /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent ?? "")?.[1];
}

/** What a complete trace of one `effects` workflow holds, split by process. */
interface WorkflowTrace {
  root: ReceivedSpan;
  steps: ReceivedSpan[];
  tasksByService: Map<string, ReceivedSpan[]>;
  all: ReceivedSpan[];
}

/** Polls the receiver until the workflow's trace holds the root, a step and `tasks` task spans from every one of `taskServices`. */
async function collectTrace(
  c: TracedCluster,
  workflowId: string,
  tasks: number,
  taskServices: string[],
): Promise<WorkflowTrace> {
  const coordinator = serviceOf(c.coordinator, "coordinator");
  return await eventually(
    async () => {
      const spans = c.receiver.spans();
      const root = spans.find((s) => s.name === WORKFLOW_SPAN && s.attributes["workflow.id"] === workflowId);
      if (!root || root.service !== coordinator)
        throw new Error(`no ${WORKFLOW_SPAN} span from ${coordinator} yet (${spans.length} spans received)`);
      const all = spans.filter((s) => s.traceId === root.traceId);
      const steps = all.filter((s) => s.name === "coordinator.step" && s.service === coordinator);
      const taskSpans = all.filter((s) => TASK_SPANS.has(s.name));
      const tasksByService = Map.groupBy(taskSpans, (s) => s.service);
      const complete =
        steps.length > 0 && taskSpans.length >= tasks && taskServices.every((svc) => tasksByService.has(svc));
      if (!complete)
        throw new Error(
          `trace ${root.traceId} has ${steps.length} step and ${taskSpans.length} task spans, from ${[...tasksByService.keys()].join(", ") || "no actor"}`,
        );
      return { root, steps, tasksByService, all };
    },
    `the trace of ${workflowId} with spans from ${[coordinator, ...taskServices].join(", ")}`,
    20_000,
  );
}

/** Every span of the workflow is in the root's trace, and steps and tasks are children of the root. */
function assertOneTree(t: ExecutionContext, c: TracedCluster, workflowId: string, tr: WorkflowTrace): void {
  const ofWorkflow = c.receiver.spans().filter((s) => s.attributes["workflow.id"] === workflowId);
  t.deepEqual(
    [...new Set(ofWorkflow.map((s) => s.traceId))],
    [tr.root.traceId],
    "every span of the workflow has the root's trace id",
  );
  const children = [...tr.steps, ...[...tr.tasksByService.values()].flat()];
  t.deepEqual(
    children.filter((s) => s.parentSpanId !== tr.root.spanId),
    [],
    "steps and tasks are children of the workflow span",
  );
  t.true(tr.all.every((s) => s.traceId === tr.root.traceId));
  t.is(new Set(tr.all.map((s) => s.spanId)).size, tr.all.length, "span ids are unique");
  const refused = c.receiver
    .requests()
    .filter((r) => r.status !== 200 || !r.contentType.startsWith("application/json"));
  t.deepEqual(refused, [], "every export was OTLP http/json and accepted");
}

test.serial("one workflow is one trace across the coordinator and both coder processes and the checker", async (t) => {
  const c = await startTracedCluster(t, 2);
  const id = "traced-effects";
  await c.client.start("effects", { tasks: 4, ms: 100 }, { id });
  const record = await c.client.wait(id, 60_000);
  t.is(record.status, "completed");

  const coders = c.coders.map((s) => serviceOf(s, "coder"));
  const checker = serviceOf(c.checker, "checker");
  const tr = await collectTrace(c, id, 8, [...coders, checker]);
  t.is(tr.root.parentSpanId, undefined, "a start without traceparent makes the workflow span a root");
  t.is(traceIdOf(record.trace), tr.root.traceId, "the saga record keeps the workflow's trace context");
  t.is(new Set(coders).size, 2, "the coders are distinct processes");
  for (const svc of coders)
    t.true((tr.tasksByService.get(svc)?.length ?? 0) >= 1, `${svc} exported task spans in the trace`);
  t.is(tr.tasksByService.get(checker)?.length, 4, "the checker ran the second round in the trace");
  t.is([...tr.tasksByService.values()].flat().length, 8, "each task has one span");
  assertOneTree(t, c, id, tr);
  t.log(
    `trace ${tr.root.traceId}: ${tr.all.length} spans from ${[...new Set(tr.all.map((s) => s.service))].join(", ")}`,
  );
});

test.serial("a start carrying a traceparent header continues the caller's trace", async (t) => {
  const c = await startTracedCluster(t, 1);
  const traceId = randomBytes(16).toString("hex");
  const callerSpanId = randomBytes(8).toString("hex");
  const id = "traced-continued";
  await c.client.start("effects", { tasks: 2, ms: 10 }, { id, traceparent: `00-${traceId}-${callerSpanId}-01` });
  const record = await c.client.wait(id, 60_000);
  t.is(record.status, "completed");

  const tr = await collectTrace(c, id, 4, [serviceOf(c.coders[0], "coder"), serviceOf(c.checker, "checker")]);
  t.is(tr.root.traceId, traceId, "the workflow span is in the caller's trace");
  t.is(tr.root.parentSpanId, callerSpanId, "the workflow span is a child of the caller's span");
  t.is(traceIdOf(record.trace), traceId);
  assertOneTree(t, c, id, tr);
});
