// Proves the presence of actor processes on a real nats-server (docs/architecture.md, "Actors"):
// with no process a ping finds none at once; a process answers a ping with its tasks in flight,
// named by the same runner as the saga record's start report; the pool view adds the consumer's
// counts; a process heartbeats, says when it drains and then that it is gone, and no longer
// answers.
import test from "ava";
import type { NatsConnection } from "@nats-io/transport-node";
import { decode } from "../protocol/codec.ts";
import { Presence } from "../protocol/presence.ts";
import { Subject } from "../protocol/subjects.ts";
import { BenchTasks } from "../protocol/bench.ts";
import { ActorHost, implement } from "../infra/nats/actor-host.ts";
import { WorkflowRegistry, builtinWorkflows } from "../services/coordinator/index.ts";
import { eventually, startTestNats } from "./helpers/nats.ts";
import { client, startCoordinator } from "./helpers/runtime.ts";

/** A checker host named `runner` whose bench.noop tasks finish once `held` resolves. */
function checkerHost(nc: NatsConnection, runner: string, held: Promise<void>): ActorHost {
  return new ActorHost({
    nc,
    role: "checker",
    runner,
    concurrency: 2,
    presenceIntervalMs: 200,
    drainGraceMs: 1_000,
    handlers: [
      implement(BenchTasks.noop, async (input) => {
        await held;
        return { index: input.index };
      }),
    ],
  });
}

test("a process answers a ping at once with its tasks in flight; the pool adds its queue", async (t) => {
  const { nc } = await startTestNats(t);
  const c = client(t, nc);
  const asked = Date.now();
  t.deepEqual(await c.processes(), [], "no process: nothing answers");
  t.true(Date.now() - asked < 1_000, "no responders ends the ping at once");

  await startCoordinator(t, nc, new WorkflowRegistry(builtinWorkflows));
  let release: () => void = () => undefined;
  const held = new Promise<void>((r) => (release = r));
  const [busy, idle] = [checkerHost(nc, "box-a:111", held), checkerHost(nc, "box-b:222", held)];
  await busy.start();
  t.teardown(() => busy.drain());
  await c.start("bench-fanout", { fanout: 1 }, { id: "held" });
  const running = await eventually(async () => (await c.status("held"))?.pending.t1?.started, "the start report");
  await idle.start();
  t.teardown(() => idle.drain());

  const all = await c.processes();
  t.deepEqual(
    all.map((p) => [p.role, p.runner, p.state, p.concurrency, p.pid, p.in_flight.length]),
    [
      ["checker", "box-a:111", "serving", 2, process.pid, 1],
      ["checker", "box-b:222", "serving", 2, process.pid, 0],
    ],
  );
  t.is(all[0].runner, running.runner, "presence names the process as the saga record does");
  t.like(all[0].in_flight[0], { workflow_id: "held", run: 1, task_id: "t1", kind: "bench.noop", attempt: 1 });
  t.true(all[0].in_flight[0].since === running.at && all[0].started_at <= running.at);

  const pools = await c.pools(["checker", "coder"]);
  t.like(pools.checker, { pending: 0, ack_pending: 1, redelivered: 0 });
  t.is(typeof pools.checker.waiting, "number");
  t.deepEqual(
    pools.checker.processes.map((p) => p.runner),
    ["box-a:111", "box-b:222"],
  );
  t.deepEqual(pools.coder.processes, [], "a role with a consumer and no process");
  release();
  t.is((await c.wait("held", 20_000)).status, "completed");
  t.deepEqual((await c.processes())[0]?.in_flight, [], "nothing in flight once the task is done");
});

test("a process heartbeats, says it drains and then that it is gone, and stops answering", async (t) => {
  const { nc } = await startTestNats(t);
  const c = client(t, nc);
  const heard: Presence[] = [];
  const sub = nc.subscribe(Subject.allPresence, {
    callback: (_e, m) => {
      heard.push(decode(m.data, Presence));
    },
  });
  t.teardown(() => sub.unsubscribe());
  const [stays, leaves] = [
    checkerHost(nc, "box-a:111", Promise.resolve()),
    checkerHost(nc, "box-b:222", Promise.resolve()),
  ];
  await Promise.all([stays.start(), leaves.start()]);
  t.teardown(() => stays.drain());
  await eventually(
    async () => heard.filter((p) => p.runner === "box-b:222" && p.state === "serving").length >= 3,
    "heartbeats every 200 ms",
  );
  await leaves.drain();
  const states = heard.filter((p) => p.runner === "box-b:222").map((p) => p.state);
  t.deepEqual(states.slice(-2), ["draining", "gone"]);
  t.deepEqual(
    (await c.processes()).map((p) => p.runner),
    ["box-a:111"],
    "a process that is gone does not answer",
  );
});
