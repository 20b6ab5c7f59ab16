// Proves the actor host's delivery contract against a real nats-server: a task that runs far
// longer than the consumer's ack wait is kept alive with working() and runs exactly once; a
// retryable error is retried with backoff and then succeeds; drain() lets a task in flight
// finish, publishes its result, and releases what it had not started (a task the server sent
// after the stop returns to the pool after the ack wait).
import test from "ava";
import { eventually, startTestNats } from "./helpers/nats.ts";
import { client, startActor, startCoordinator } from "./helpers/runtime.ts";
import { ActorHost, implement } from "../infra/nats/actor-host.ts";
import { noopBinding } from "../actors/bench/index.ts";
import { BenchTasks } from "../protocol/bench.ts";
import { RetryableError } from "../protocol/errors.ts";
import { WorkflowRegistry, builtinWorkflows } from "../services/coordinator/index.ts";

const registry = () => new WorkflowRegistry(builtinWorkflows);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("a task 3× longer than the ack wait runs once, kept alive by working()", async (t) => {
  const { nc } = await startTestNats(t, { taskAckWaitMs: 1_000 });
  await startCoordinator(t, nc, registry());
  let runs = 0;
  await startActor(t, nc, "checker", [
    implement(BenchTasks.noop, async (input) => {
      runs += 1;
      await sleep(3_000);
      return { index: input.index };
    }),
  ]);
  const c = client(t, nc);
  await c.start("bench-fanout", { fanout: 1 }, { id: "long-task" });
  t.is((await c.wait("long-task", 20_000)).status, "completed");
  t.is(runs, 1);
});

test("a retryable error is retried with backoff, then the task succeeds", async (t) => {
  const { nc } = await startTestNats(t);
  await startCoordinator(t, nc, registry());
  const deliveries: number[] = [];
  await startActor(t, nc, "checker", [
    implement(BenchTasks.noop, async (input, ctx) => {
      deliveries.push(Date.now());
      if (ctx.delivery < 3) throw new RetryableError("FLAKY", `delivery ${ctx.delivery}`);
      return { index: input.index };
    }),
  ]);
  const c = client(t, nc);
  await c.start("bench-fanout", { fanout: 1 }, { id: "flaky-then-ok" });
  t.is((await c.wait("flaky-then-ok", 20_000)).status, "completed");
  t.is(deliveries.length, 3);
  t.true(deliveries[2] - deliveries[1] > deliveries[1] - deliveries[0], "the backoff grows");
});

test("drain finishes the task in flight and publishes its result", async (t) => {
  const { nc } = await startTestNats(t, { taskAckWaitMs: 2_000 });
  await startCoordinator(t, nc, registry());
  let finished = 0;
  const host = new ActorHost({
    nc,
    role: "checker",
    concurrency: 1,
    drainGraceMs: 10_000,
    handlers: [
      implement(BenchTasks.noop, async (input) => {
        await sleep(1_000);
        finished += 1;
        return { index: input.index };
      }),
    ],
  });
  await host.start();
  const c = client(t, nc);
  await c.start("bench-fanout", { fanout: 3 }, { id: "drained" });
  await eventually(async () => host.inFlight === 1, "a task to start");
  await host.drain();
  t.is(finished, 1, "the task in flight finished during drain");
  // Its result is applied (asynchronously, by the coordinator); the other two wait for another replica.
  await eventually(
    async () => Object.keys((await c.status("drained"))?.pending ?? {}).length === 2,
    "the drained task's result to be applied",
    10_000,
  );
  await startActor(t, nc, "checker", [noopBinding]);
  t.is((await c.wait("drained", 20_000)).status, "completed");
});
