// Proves the console's rights of docs/permissions.md against a real nats-server configured with
// the generated users, a coordinator and a checker running in process as their own users: an
// actor says it is there and answers pings (its one reply per request), which the gateway and
// the client see; the gateway follows saga record writes, events and presence as they happen;
// the gateway replays a dead-lettered signal (its workflow then completes) and the client
// discards a dead letter. Refused: an actor speaking for another role or deleting a dead letter,
// the gateway speaking for an actor or publishing a timer (replays are starts and signals), the
// client following live updates.
import test from "ava";
import type { ExecutionContext } from "ava";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstream } from "@nats-io/jetstream";
import { PermissionViolationError, type Msg, type NatsConnection } from "@nats-io/transport-node";
import { BenchTasks } from "../protocol/bench.ts";
import { decode } from "../protocol/codec.ts";
import { ErrorCode } from "../protocol/errors.ts";
import { Presence } from "../protocol/presence.ts";
import { Bucket, Subject, kvSubject } from "../protocol/subjects.ts";
import { signalMessage } from "../protocol/workflow.ts";
import { PatchbayClient } from "../infra/client/index.ts";
import { ActorHost, implement } from "../infra/nats/actor-host.ts";
import { connectNats } from "../infra/nats/connect.ts";
import { startNatsServer, type NatsServer } from "../infra/nats/launcher.ts";
import { natsUsers, permissionsOf, serverConfig, serviceUsers } from "../infra/nats/permissions.ts";
import { provision } from "../infra/nats/provision.ts";
import { publishAll } from "../infra/nats/publish.ts";
import { fixtureRegistry } from "./fixtures/workflows/index.ts";
import { sharedContext } from "./helpers/cli.ts";
import { eventually } from "./helpers/nats.ts";
import { startCoordinator } from "./helpers/runtime.ts";

const suite = sharedContext("console permissions");
let server: NatsServer;
const passwords = Object.fromEntries(serviceUsers().map((u) => [u, `pw-${u}-${Math.random().toString(36).slice(2)}`]));

test.before(async () => {
  const dir = await mkdtemp(join(tmpdir(), "patchbay-console-perms-"));
  suite.t.teardown(() => rm(dir, { recursive: true, force: true }));
  const config = join(dir, "nats-server.conf");
  await writeFile(config, serverConfig(natsUsers(passwords)), { mode: 0o600 });
  server = await startNatsServer({ storeDir: join(dir, "store"), configFile: config });
  suite.t.teardown(() => server.stop());
  const admin = await connectNats({ url: server.url, name: "test-admin", user: "admin", pass: passwords.admin });
  await provision(admin);
  await admin.close();
});
test.after.always(() => suite.teardown());

/** Connects as `user`; closed when the test ends. */
async function as(t: ExecutionContext, user: string): Promise<NatsConnection> {
  const nc = await connectNats({ url: server.url, name: `test-${user}`, user, pass: passwords[user] });
  t.teardown(() => nc.close().catch(() => undefined));
  return nc;
}

/** A client as `user`, closed when the test ends. */
async function clientAs(t: ExecutionContext, user: string): Promise<PatchbayClient> {
  const c = new PatchbayClient(await as(t, user));
  t.teardown(() => c.close());
  return c;
}

/** Asserts that `op` was refused by the server on a subject matching `subject`. */
async function denied(t: ExecutionContext, op: Promise<unknown>, subject: RegExp): Promise<void> {
  const err = await t.throwsAsync(op);
  const cause = (err as Error & { cause?: unknown })?.cause ?? err;
  t.true(cause instanceof PermissionViolationError, `expected a permissions violation, got ${String(err)}`);
  t.regex((cause as PermissionViolationError).subject, subject);
}

/** Messages on `subject` as `user` sees them (the subscription must be allowed). */
async function follow(t: ExecutionContext, nc: NatsConnection, subject: string): Promise<Msg[]> {
  const seen: Msg[] = [];
  const sub = nc.subscribe(subject, { callback: (_e, m) => void seen.push(m) });
  t.teardown(() => sub.unsubscribe());
  await nc.flush();
  return seen;
}

test.serial("only actors answer pings; only the gateway follows records, events and presence", (t) => {
  t.deepEqual(permissionsOf("actor-checker").allow_responses, { max: 1, expires: "1m" });
  for (const user of ["gateway", "client", "coordinator"]) t.is(permissionsOf(user).allow_responses, undefined, user);
  const live = [kvSubject(Bucket.Sagas), kvSubject(Bucket.Ended), "workflow.event.>", "patchbay.presence.*"];
  for (const s of live) {
    t.true(permissionsOf("gateway").subscribe.allow.includes(s), `gateway subscribes ${s}`);
    t.false(permissionsOf("client").subscribe.allow.includes(s), `client does not subscribe ${s}`);
  }
  for (const user of ["gateway", "client"])
    t.true(permissionsOf(user).publish.allow.includes("$JS.API.STREAM.MSG.DELETE.DLQ"), user);
  t.regex(serverConfig(natsUsers(passwords)), /allow_responses: \{ max: 1, expires: "1m" \}/);
});

test.serial(
  "an actor's presence reaches the gateway and the client; the gateway sees records and events live",
  async (t) => {
    await startCoordinator(t, await as(t, "coordinator"), fixtureRegistry());
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const host = new ActorHost({
      nc: await as(t, "actor-checker"),
      role: "checker",
      runner: "box-a:7",
      presenceIntervalMs: 200,
      drainGraceMs: 1_000,
      handlers: [
        implement(BenchTasks.noop, async (input) => {
          await held;
          return { index: input.index };
        }),
      ],
    });
    await host.start();
    t.teardown(() => host.drain());
    const gatewayNc = await as(t, "gateway");
    const [records, events, presence] = await Promise.all(
      [kvSubject(Bucket.Sagas), Subject.allEvents, Subject.allPresence].map((s) => follow(t, gatewayNc, s)),
    );
    const c = await clientAs(t, "client");
    await c.start("bench-fanout", { fanout: 1 }, { id: "seen" });
    const gateway = new PatchbayClient(gatewayNc);
    t.teardown(() => gateway.close());
    const busy = await eventually(
      async () => (await gateway.processes()).find((p) => p.in_flight.length > 0),
      "a ping",
    );
    t.like(busy, { role: "checker", runner: "box-a:7", in_flight: [{ workflow_id: "seen", task_id: "t1" }] });
    t.like((await c.pools(["checker"])).checker.processes[0], { runner: "box-a:7" }, "the client pings too");
    await eventually(async () => presence.length >= 2, "heartbeats at the gateway");
    t.is(decode(presence[0].data, Presence).runner, "box-a:7");
    t.true(
      records.some((m) => m.subject === kvSubject(Bucket.Sagas, "seen")),
      "a record write, live",
    );
    await eventually(async () => events.some((m) => m.subject === Subject.event("seen")), "the start report, live");
    release();
    t.is((await c.wait("seen", 20_000)).status, "completed");
  },
);

test.serial("the gateway replays a dead-lettered signal; the client discards a dead letter", async (t) => {
  await startCoordinator(t, await as(t, "coordinator"), fixtureRegistry(), { signalHoldMs: 300 });
  const [gateway, c] = [await clientAs(t, "gateway"), await clientAs(t, "client")];
  await publishAll(c.nc, c.js, [signalMessage("late-perm", "approve", undefined, "approve-late-perm")]);
  c.nc.publish(Subject.start("fixture-approval"), "not a start");
  const dead = await eventually(async () => {
    const all = await gateway.dlq();
    return all.length >= 2 && all;
  }, "two dead letters");
  const signal = dead.find((e) => e.original_subject === "workflow.signal.late-perm");
  const start = dead.find((e) => e.original_subject === "workflow.start.fixture-approval");
  if (!signal || !start) return t.fail(JSON.stringify(dead));
  t.like(await gateway.dlqMessage(signal.seq), { replayable: true, original_msg_id: "approve-late-perm" });
  await c.start("fixture-approval", { timeout_ms: 600_000 }, { id: "late-perm" });
  await eventually(async () => (await c.status("late-perm"))?.status === "running", "the workflow to run");
  await gateway.replayDlq(signal.seq);
  t.is((await c.wait("late-perm", 10_000)).status, "completed");
  await c.discardDlq(start.seq);
  t.deepEqual(await c.dlq(), []);
  const gone = await t.throwsAsync(c.discardDlq(start.seq));
  t.is((gone as { code?: string }).code, ErrorCode.NotFound);
});

test.serial("the server refuses what the console's users may not do", async (t) => {
  const checker = await as(t, "actor-checker");
  await denied(t, checker.request(Subject.presence("coder"), "", { timeout: 2_000 }), /^patchbay\.presence\.coder$/);
  await denied(t, (await jetstream(checker).jetstreamManager()).streams.deleteMessage("DLQ", 1), /MSG\.DELETE\.DLQ$/);
  const gateway = await as(t, "gateway");
  await denied(
    t,
    gateway.request(Subject.presence("checker"), "", { timeout: 2_000 }),
    /^patchbay\.presence\.checker$/,
  );
  await denied(t, jetstream(gateway).publish(Subject.timer("x"), new Uint8Array()), /^workflow\.timer\.x$/);
  const client = await as(t, "client");
  for (const subject of [kvSubject(Bucket.Sagas), Subject.allPresence]) {
    const sub = client.subscribe(subject);
    const violation = await sub.closed;
    t.true(violation instanceof PermissionViolationError, `client subscribing ${subject}: ${String(violation)}`);
  }
});
