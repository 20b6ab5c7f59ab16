// Proves that two coordinator replicas racing on one workflow lose nothing and apply nothing
// twice, on a real nats-server: the replicas share the event consumer, so the 24 results of
// one fan-out are split between them, and every write is held back 15 ms between its read and
// its compare-and-set to force the race. Conflicts happen (and are counted); each is re-read
// and retried; the workflow completes having applied every result exactly once.
import test from "ava";
import { effectsWorkflow } from "./fixtures/runtime/effects-workflow.ts";
import { ensureFixtureStream, faultsFromEnv, fixtureBindingsOf } from "./fixtures/runtime/handlers.ts";
import { fixtureRegistry } from "./fixtures/workflows/index.ts";
import { startTestNats } from "./helpers/nats.ts";
import { client, startActor, startCoordinator } from "./helpers/runtime.ts";

const TASKS = 24;

test("two replicas forced to race on one workflow: conflicts are retried, every result applied once", async (t) => {
  const { nc } = await startTestNats(t);
  await ensureFixtureStream(nc);
  const registry = fixtureRegistry().register(effectsWorkflow);
  // Hold every write 15 ms between its read and its compare-and-set.
  const slowWrite = () => new Promise<void>((resolve) => setTimeout(resolve, 15));
  const replicas = [
    await startCoordinator(t, nc, registry, { beforeWrite: slowWrite }),
    await startCoordinator(t, nc, registry, { beforeWrite: slowWrite }),
  ];
  await startActor(t, nc, "coder", fixtureBindingsOf("coder", nc, faultsFromEnv({})), TASKS);
  const c = client(t, nc);
  await c.start("effects", { tasks: TASKS, rounds: 1 }, { id: "raced" });
  const rec = await c.wait("raced", 30_000);
  t.is(rec.status, "completed");
  t.deepEqual(rec.result, { done: TASKS });
  const applied = (rec.state as { outputs: string[] }).outputs;
  t.is(new Set(applied).size, TASKS, "every task's result was applied once");
  const conflicts = replicas.map((r) => r.conflicts);
  t.log(`conflicts per replica: ${conflicts.join(", ")}`);
  t.true(conflicts[0]! + conflicts[1]! > 0, "the replicas did race");
});
