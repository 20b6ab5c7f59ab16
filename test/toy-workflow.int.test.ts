// Proves that a new workflow with a new role takes four files (test/fixtures/toy/*, this test)
// and runs on a real nats-server: the `greeter` role's consumer is provisioned from the
// registry, its tasks run and the workflow completes; a handler that returns a malformed
// output fails its workflow with INVALID_OUTPUT naming the field; a host given a contract of
// another role, a concurrency below 1, or a role whose consumer nobody provisioned, refuses to
// start with a clear error.
import test from "ava";
import { ActorHost } from "../infra/nats/actor-host.ts";
import { ErrorCode } from "../protocol/errors.ts";
import { WorkflowRegistry, builtinWorkflows } from "../services/coordinator/index.ts";
import { greeterBindings } from "./fixtures/toy/greeter.ts";
import { toyGreetings } from "./fixtures/toy/workflow.ts";
import { noopBinding } from "../actors/bench/index.ts";
import { startTestNats } from "./helpers/nats.ts";
import { client, startActor, startCoordinator } from "./helpers/runtime.ts";

const registry = () => new WorkflowRegistry([...builtinWorkflows, toyGreetings]);

test("the toy workflow runs on its new role and completes with every greeting", async (t) => {
  const reg = registry();
  t.deepEqual(reg.roles().get("greeter"), ["toy-greetings"], "the registry knows who needs the role");
  const { nc } = await startTestNats(t, { roles: [...reg.roles().keys()] });
  await startCoordinator(t, nc, reg);
  await startActor(t, nc, "greeter", greeterBindings());
  const c = client(t, nc);
  await c.start("toy-greetings", { names: ["Ada", "Grace"] }, { id: "toy-1" });
  const rec = await c.wait("toy-1", 20_000);
  t.is(rec.status, "completed");
  t.deepEqual(rec.result, { greetings: ["Hello, Ada!", "Hello, Grace!"] });
});

test("a handler that returns a malformed output fails the workflow with INVALID_OUTPUT naming the field", async (t) => {
  const reg = registry();
  const { nc } = await startTestNats(t, { roles: [...reg.roles().keys()] });
  await startCoordinator(t, nc, reg);
  await startActor(t, nc, "greeter", greeterBindings(new Set(["Mallory"])));
  const c = client(t, nc);
  await c.start("toy-greetings", { names: ["Ada", "Mallory"] }, { id: "toy-bad" });
  const rec = await c.wait("toy-bad", 20_000);
  t.is(rec.status, "failed");
  t.is(rec.error?.code, ErrorCode.InvalidOutput);
  t.regex(rec.error?.message ?? "", /^greeter\/toy\.greet output\.greeting: /);
  const failed = (await c.history("toy-bad")).find((e) => e.message?.type === "task.failed/v1");
  t.is(
    failed?.error?.code,
    ErrorCode.InvalidOutput,
    "the actor reported it; the coordinator was never handed the bad value",
  );
});

test("a host refuses a contract of another role, a concurrency below 1, and a role nobody provisioned", async (t) => {
  const { nc } = await startTestNats(t);
  const unprovisioned = new ActorHost({ nc, role: "greeter", handlers: greeterBindings() });
  const err = await t.throwsAsync(unprovisioned.start());
  t.is((err as { code?: string } | undefined)?.code, ErrorCode.NotFound);
  t.regex(err?.message ?? "", /no task consumer actor-greeter for role 'greeter'/);
  t.throws(() => new ActorHost({ nc, role: "greeter", handlers: [noopBinding] }), {
    message: /greeter host was given a handler of checker\/bench\.noop/,
  });
  for (const concurrency of [0, -1, 1.5, Number.NaN]) {
    t.throws(() => new ActorHost({ nc, role: "checker", handlers: [noopBinding], concurrency }), {
      message: /concurrency must be an integer ≥ 1/,
    });
  }
});
