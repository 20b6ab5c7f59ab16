// Scenario: Alertmanager posts to the real gateway's `/hooks/alertmanager` (a real nats-server
// underneath). Every firing alert of the recorded payload starts one incident-swarm workflow
// under an id from its fingerprint and start time, with the alert mapped to incident-swarm's
// Alert; the same payload again starts nothing new (within the duplicate window, and after a
// coordinator recorded the starts); a malformed payload is 400 and starts nothing; with a
// token configured, a missing or wrong bearer token is 401.
import test from "ava";
import type { ExecutionContext } from "ava";
import { readFile } from "node:fs/promises";
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { IncidentHookConfig } from "../infra/config.ts";
import { PatchbayClient } from "../infra/client/index.ts";
import { freePort } from "../infra/nats/launcher.ts";
import { WorkflowRegistry } from "../services/coordinator/index.ts";
import { createGateway } from "../services/gateway/server.ts";
import { Stream } from "../protocol/subjects.ts";
import { decodeRaw } from "../protocol/codec.ts";
import { duplicateWindowPassed, eventually, startTestNats } from "./helpers/nats.ts";
import type { ProvisionOptions } from "../infra/nats/provision.ts";
import type { IncidentInput } from "../protocol/incident-swarm.ts";
import { startCoordinator } from "./helpers/runtime.ts";

const FIXTURES = new URL("fixtures/alertmanager/", import.meta.url);
const CRITICAL = "am-b2c5e0f3a1d4c7e8-20240115T143200123Z";
const WARNING = "am-4f1a9c2d7e6b0835-20240115T143330000Z";

interface Hook {
  url: string;
  nc: NatsConnection;
}

async function hook(
  t: ExecutionContext,
  incident: Partial<IncidentHookConfig> = {},
  provision: ProvisionOptions = {},
): Promise<Hook> {
  const nats = await startTestNats(t, provision);
  const port = await freePort();
  const config = { repo: "/srv/api-service", repos: {}, autoMergeSeverities: ["critical" as const], ...incident };
  const server = createGateway(new PatchbayClient(nats.nc), { incident: config });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${port}/hooks/alertmanager`, nc: nats.nc };
}

const firing = () => readFile(new URL("firing.json", FIXTURES), "utf8");

/** The webhook's answer. */
interface Answer {
  started?: string[];
  already_running?: string[];
  skipped?: Array<{ id: string; reason: string }>;
  error?: { code: string; message: string };
}

async function post(url: string, body: string, token?: string): Promise<{ status: number; json: Answer }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, { method: "POST", headers, body });
  return { status: res.status, json: (await res.json()) as Answer };
}

/** The start messages in WORKFLOWS: subject, msg-id and payload. */
async function starts(
  nc: NatsConnection,
): Promise<Array<{ subject: string; msgId: string; payload: { id: string; input: IncidentInput } }>> {
  const jsm = await jetstreamManager(nc);
  const { first_seq: first, last_seq: last } = (await jsm.streams.info(Stream.Workflows)).state;
  const out = [];
  for (let seq = first; seq <= last && last > 0; seq++) {
    const m = await jsm.streams.getMessage(Stream.Workflows, { seq }).catch(() => undefined);
    if (m)
      out.push({
        subject: m.subject,
        msgId: m.header.get("Nats-Msg-Id"),
        payload: decodeRaw(m.data) as { id: string; input: IncidentInput },
      });
  }
  return out;
}

/** Top-level and alert field names of the documented format (readme.md) and of a payload. */
test("the recorded payload has exactly the fields of Alertmanager's documented format", async (t) => {
  const readme = await readFile(new URL("readme.md", FIXTURES), "utf8");
  const format = /```\n(\{[\s\S]*?\n\})\n```/.exec(readme)?.[1] ?? "";
  const names = (text: string) => [...text.matchAll(/"(\w+)":/g)].map((m) => m[1]);
  const [top, alert] = format.split('"alerts": [');
  const payload = JSON.parse(await firing()) as { alerts: Array<Record<string, unknown>> };
  t.deepEqual(Object.keys(payload), [...names(top), "alerts"]);
  for (const a of payload.alerts) t.deepEqual(Object.keys(a), names(alert));
});

test("each firing alert starts one incident-swarm workflow with the alert mapped; a re-sent payload starts none", async (t) => {
  const h = await hook(t);
  const first = await post(h.url, await firing());
  t.is(first.status, 202);
  t.deepEqual(first.json, { started: [CRITICAL, WARNING], already_running: [], skipped: [] });
  const published = await starts(h.nc);
  t.deepEqual(
    published.map((s) => [s.subject, s.msgId, s.payload.id]),
    [
      ["workflow.start.incident-swarm", CRITICAL, CRITICAL],
      ["workflow.start.incident-swarm", WARNING, WARNING],
    ],
  );
  const input = published[0].payload.input;
  t.like(input, { repo: "/srv/api-service", base: "main", auto_merge_severities: ["critical"] });
  t.like(input.alert, {
    id: CRITICAL,
    severity: "critical",
    service: "api-service",
    message: "Database connection pool exhausted",
    timestamp: "2024-01-15T14:32:00.123Z",
    metrics: { active_connections: 98, max_connections: 100 },
  });
  t.like(input.alert.labels, { alertname: "DatabaseConnectionPoolExhausted", instance: "api-service-7d9f:9100" });
  t.is(input.alert.labels?.runbook_url, "https://runbooks.example.org/api-service/database");
  t.like(published[1].payload.input.alert, { severity: "medium", message: "5xx responses above 5% for 5 minutes" });

  const again = await post(h.url, await firing());
  t.deepEqual(again.json, { started: [], already_running: [CRITICAL, WARNING], skipped: [] });
  t.is((await starts(h.nc)).length, 2, "nothing new was published");
});

test("after the duplicate window, an alert whose workflow a coordinator recorded starts nothing", async (t) => {
  const h = await hook(t, {}, { duplicateWindowMs: 1_000 });
  await startCoordinator(t, h.nc, new WorkflowRegistry());
  await post(h.url, await firing());
  const client = new PatchbayClient(h.nc);
  t.teardown(() => client.close());
  for (const id of [CRITICAL, WARNING]) t.like(await client.wait(id, 20_000), { status: "failed" });
  // A start is acked just after its workflow's record is written, so it may still be there a moment.
  await eventually(async () => (await starts(h.nc)).length === 0, "the coordinator to take the starts");
  await duplicateWindowPassed(h.nc, 1_000);
  t.deepEqual((await post(h.url, await firing())).json.already_running, [CRITICAL, WARNING]);
  t.is((await starts(h.nc)).length, 0);
});

test("alerts are routed by service; one without a repository is skipped with the reason", async (t) => {
  const h = await hook(t, { repo: undefined, repos: { "api-service": "/srv/api" } });
  const payload = JSON.parse(await firing());
  payload.alerts[1].labels = { alertname: "DiskFull", job: "billing" };
  const out = await post(h.url, JSON.stringify(payload));
  t.is(out.status, 202);
  t.deepEqual(out.json, {
    started: [CRITICAL],
    already_running: [],
    skipped: [{ id: WARNING, reason: "no repository configured for service 'billing'" }],
  });
  t.is((await starts(h.nc))[0].payload.input.repo, "/srv/api");
});

test("a malformed payload is 400 with the reason and starts nothing", async (t) => {
  const h = await hook(t);
  const payload = JSON.parse(await firing());
  delete payload.alerts[1].startsAt;
  const missing = await post(h.url, JSON.stringify(payload));
  t.is(missing.status, 400);
  t.regex(missing.json.error?.message ?? "", /^alerts\.1\.startsAt: /);
  const wrongVersion = await post(h.url, (await firing()).replace('"version": "4"', '"version": "3"'));
  t.is(wrongVersion.status, 400);
  t.regex(wrongVersion.json.error?.message ?? "", /^version: /);
  t.is((await post(h.url, "{not json")).status, 400);
  t.is((await starts(h.nc)).length, 0);
});

test("with a hook token, a missing or wrong bearer token is 401 and starts nothing", async (t) => {
  const h = await hook(t, { hookToken: "s3cret-token" });
  const none = await post(h.url, await firing());
  t.is(none.status, 401);
  t.is(none.json.error?.code, "UNAUTHORIZED");
  t.is((await post(h.url, await firing(), "wrong")).status, 401);
  t.is((await post(h.url, await firing(), "")).status, 401);
  t.is((await starts(h.nc)).length, 0);
  t.is((await post(h.url, await firing(), "s3cret-token")).status, 202);
  t.is((await starts(h.nc)).length, 2);
});
