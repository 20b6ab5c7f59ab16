// The console's JSON API and pages over a real nats-server with the real coordinator and a
// checker: counts by status and the list's filters match the workflows run; a fan-out's
// timeline has one bar per task, overlapping; the event stream names a workflow that changes;
// actions need the token (bearer, or a login cookie with the page's CSRF token), and a refused
// action publishes nothing.
import test from "ava";
import type { ExecutionContext } from "ava";
import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { createGateway } from "../services/gateway/server.ts";
import { jetstreamManager } from "@nats-io/jetstream";
import { Stream, Subject } from "../protocol/subjects.ts";
import { eventually } from "./helpers/nats.ts";
import { startActor } from "./helpers/runtime.ts";
import { TEST_TOKEN, postForm, startConsoleStack, type ConsoleStack } from "./helpers/console.ts";

interface ListBody {
  workflows: Array<{ id: string; type: string; status: string }>;
  counts: Record<string, number>;
  complete: boolean;
  next?: number;
}

async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { headers: { accept: "application/json" } });
  return { status: res.status, body: (await res.json()) as T };
}

/** Runs three fan-outs to completion, one approval that times out (failed) and one left waiting. */
async function runMix(s: ConsoleStack): Promise<{ waiting: string }> {
  const fanouts = ["mix-fan-1", "mix-fan-2", "mix-fan-3"];
  for (const id of fanouts) await s.client.start("bench-fanout", { fanout: 2 }, { id });
  await s.client.start("fixture-approval", { timeout_ms: 50 }, { id: "mix-late" });
  await s.client.start("fixture-approval", { timeout_ms: 600_000 }, { id: "mix-waiting" });
  for (const id of [...fanouts, "mix-late"]) await s.client.wait(id, 30_000);
  return { waiting: "mix-waiting" };
}

async function signalsPublished(s: ConsoleStack, id: string): Promise<number> {
  const info = await (
    await jetstreamManager(s.nats.nc)
  ).streams.info(Stream.Workflows, {
    subjects_filter: Subject.signal(id),
  });
  return Object.values(info.state.subjects ?? {}).reduce((n, x) => n + x, 0);
}

test("the list counts workflows by status and filters by status, type, time and id", async (t) => {
  const s = await startConsoleStack(t);
  await runMix(s);
  const all = await eventually(async () => {
    const r = await getJson<ListBody>(`${s.base}/api/workflows`);
    return r.body.complete && r.body.counts.completed === 3 && r.body.counts.failed === 1 && r.body;
  }, "counts of the ended workflows");
  t.is(all.counts.running, 1);
  t.is(all.workflows.length, 5);
  t.is(all.workflows[0]?.id, "mix-waiting", "running first");

  // A gateway started after they ended counts them from its scan of the `ended` bucket.
  const late = createGateway(s.client, {});
  await new Promise<void>((resolve) => late.listen(0, "127.0.0.1", resolve));
  t.teardown(() => new Promise<void>((resolve) => late.close(() => resolve())));
  const lateBase = `http://127.0.0.1:${(late.address() as AddressInfo).port}`;
  const scanned = await eventually(async () => {
    const r = await getJson<ListBody>(`${lateBase}/api/workflows`);
    return r.body.complete && r.body;
  }, "the late gateway's scan");
  t.deepEqual(scanned.counts, all.counts);

  const failed = await getJson<ListBody>(`${s.base}/api/workflows?status=failed`);
  t.deepEqual(
    failed.body.workflows.map((w) => w.id),
    ["mix-late"],
  );
  const fanouts = await getJson<ListBody>(`${s.base}/api/workflows?type=bench-fanout`);
  t.deepEqual(fanouts.body.workflows.map((w) => w.id).sort(), ["mix-fan-1", "mix-fan-2", "mix-fan-3"]);
  t.is(fanouts.body.counts.completed, 3);
  t.is(fanouts.body.counts.failed, 0);
  const search = await getJson<ListBody>(`${s.base}/api/workflows?q=fan-2`);
  t.deepEqual(
    search.body.workflows.map((w) => w.id),
    ["mix-fan-2"],
  );
  const future = await getJson<ListBody>(`${s.base}/api/workflows?since=2999-01-01`);
  t.deepEqual(future.body.workflows, []);
  const page = await getJson<ListBody>(`${s.base}/api/workflows?limit=2`);
  t.is(page.body.workflows.length, 2);
  const older = await getJson<ListBody>(`${s.base}/api/workflows?limit=10&before=${page.body.next}`);
  t.is(older.body.workflows.length, 3, "the next page holds the rest");

  const bad = await getJson<{ error: { code: string; message: string } }>(`${s.base}/api/workflows?status=done`);
  t.is(bad.status, 400);
  t.is(bad.body.error.code, "INVALID_QUERY");
  t.regex(bad.body.error.message, /^status: /);

  const html = await (await fetch(`${s.base}/workflows?status=failed`)).text();
  t.regex(html, /<tr data-id="mix-late" data-status="failed">/);
  t.notRegex(html, /<tr data-id="[^"]+" data-status="completed">/);
});

test("a fan-out's timeline has one bar per task, grouped by role, all overlapping", async (t) => {
  const s = await startConsoleStack(t);
  await s.client.start("bench-fanout", { fanout: 8 }, { id: "tl-fan" });
  await s.client.wait("tl-fan", 30_000);
  type Bar = { task_id: string; outcome: string; dispatched_at: number; ended_at: number; runner?: string };
  const { body } = await getJson<{ timeline: { groups: Array<{ role: string; bars: Bar[] }> } }>(
    `${s.base}/api/workflows/tl-fan`,
  );
  const checker = body.timeline.groups.find((g) => g.role === "checker");
  t.is(checker?.bars.length, 8);
  const bars = checker?.bars ?? [];
  t.true(bars.every((b) => b.outcome === "completed"));
  t.true(
    Math.max(...bars.map((b) => b.dispatched_at)) < Math.min(...bars.map((b) => b.ended_at)),
    "every bar overlaps every other",
  );
  const html = await (await fetch(`${s.base}/workflows/tl-fan`)).text();
  t.is(html.match(/<li class="tl-row o-completed/g)?.length, 8);
  t.regex(html, /<div class="tl-group" data-role="checker">/);
});

/** The first `event: change` of an event stream, within the deadline. */
function firstChange(url: string, onOpen: () => Promise<unknown>): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
        const m = /event: change\ndata: (.+)\n\n/.exec(text);
        if (m) {
          req.destroy();
          resolve(m[1] as string);
        }
      });
      onOpen().catch(reject);
    });
    req.on("error", (err) => (err.message.includes("aborted") ? undefined : reject(err)));
    req.setTimeout(20_000, () => reject(new Error("no change event within 20 s")));
    req.end();
  });
}

test("the event stream names the workflow that changed, and the pools' stream a process that starts", async (t) => {
  const s = await startConsoleStack(t);
  const data = await firstChange(`${s.base}/api/events?id=sse-1`, () =>
    s.client.start("bench-fanout", { fanout: 1 }, { id: "sse-1" }),
  );
  t.deepEqual(JSON.parse(data), { ids: ["sse-1"] });
  const pools = await firstChange(`${s.base}/api/events?topic=pools`, () => startActor(t, s.nats.nc, "merger", [], 1));
  t.deepEqual(JSON.parse(pools), { ids: ["pools"] }, "a process that starts is heard by the pools page");
});

async function loginCookie(t: ExecutionContext, s: ConsoleStack): Promise<string> {
  const wrong = await postForm(`${s.base}/login`, { token: "not-the-token-at-all", next: "/workflows" });
  t.is(wrong.status, 403);
  const res = await postForm(`${s.base}/login`, { token: TEST_TOKEN, next: "/workflows/act-1" });
  t.is(res.status, 303);
  t.is(res.headers.get("location"), "/workflows/act-1");
  const cookie = res.headers.get("set-cookie") ?? "";
  t.regex(cookie, /HttpOnly/);
  t.regex(cookie, /SameSite=Strict/);
  return cookie.split(";")[0] as string;
}

test("actions need the token: refused without it (nothing published), by bearer or by login with CSRF", async (t) => {
  const s = await startConsoleStack(t);
  await s.client.start("fixture-approval", { timeout_ms: 600_000 }, { id: "act-1" });
  await eventually(async () => (await s.client.status("act-1"))?.status === "running", "act-1 to run");
  const url = `${s.base}/api/workflows/act-1/signal`;

  const anonymous = await postForm(url, { name: "approve" });
  t.is(anonymous.status, 401);
  t.regex(anonymous.headers.get("www-authenticate") ?? "", /^Bearer/);
  const wrongBearer = await postForm(url, { name: "approve" }, { authorization: "Bearer wrong-token-wrong-token" });
  t.is(wrongBearer.status, 403);

  const cookie = await loginCookie(t, s);
  const noCsrf = await postForm(url, { name: "approve" }, { cookie });
  t.is(noCsrf.status, 403);
  const page = await (await fetch(`${s.base}/workflows/act-1`, { headers: { cookie } })).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? "";
  t.true(csrf.length > 20, "the page carries a CSRF token for the session");
  const crossSite = await postForm(url, { name: "approve", csrf }, { cookie, origin: "http://evil.example" });
  t.is(crossSite.status, 403);
  t.is(await signalsPublished(s, "act-1"), 0, "no refused action reached NATS");
  t.is((await s.client.status("act-1"))?.status, "running");

  const ok = await postForm(url, { name: "approve", csrf, back: "/workflows/act-1" }, { cookie, origin: s.base });
  t.is(ok.status, 303);
  t.is(ok.headers.get("location"), "/workflows/act-1");
  const done = await s.client.wait("act-1", 20_000);
  t.deepEqual(done.result, { approved: true });

  const reset = await fetch(`${s.base}/api/workflows/act-1/reset`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ event: 1 }),
  });
  t.is(reset.status, 200);
  await eventually(async () => (await s.client.status("act-1"))?.run === 2, "the reset to start run 2");
  const cancel = await fetch(`${s.base}/api/workflows/act-1/cancel`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_TOKEN}` },
  });
  t.is(cancel.status, 200);
  t.is((await s.client.wait("act-1", 20_000, 2)).status, "cancelled");
});

test("a gateway without a token is read-only", async (t) => {
  const s = await startConsoleStack(t, {});
  await s.client.start("fixture-approval", { timeout_ms: 600_000 }, { id: "ro-1" });
  const res = await fetch(`${s.base}/api/workflows/ro-1/cancel`, {
    method: "POST",
    headers: { authorization: "Bearer anything-anything-anything" },
  });
  t.is(res.status, 403);
  t.is(((await res.json()) as { error: { code: string } }).error.code, "READ_ONLY");
  const html = await (await fetch(`${s.base}/workflows`)).text();
  t.regex(html, /read-only \(the gateway has no token\)/);
});
