// Proves invariants 2 and 3 (docs/architecture.md, "Invariants") with real processes: two coordinator processes and two
// actor processes per role run 200 concurrent workflows while one of each kind is SIGKILLed
// (and restarted) mid-run; no workflow is lost, no step is applied twice, and every task's
// side effect exists exactly once in effect.
import test from "ava";
import { DeliverPolicy, jetstream } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { eventually, startTestNats } from "./helpers/nats.ts";
import { FAST_REDELIVERY, startActorProcess, startCoordinatorProcess } from "./helpers/cluster.ts";
import { ensureFixtureStream } from "./fixtures/runtime/handlers.ts";
import { PatchbayClient } from "../infra/client/index.ts";
import { decodeRaw } from "../protocol/codec.ts";
import type { Service } from "./helpers/processes.ts";

const WORKFLOWS = 200;
const TASKS_PER_ROUND = 3;

/** Counts side effects per workflow from the FIXTURE stream. */
async function effectCounts(nc: NatsConnection): Promise<Map<string, string[]>> {
  const js = jetstream(nc);
  const consumer = await js.consumers.get("FIXTURE", {
    filter_subjects: "fixture.effect.>",
    deliver_policy: DeliverPolicy.All,
  });
  let pending = (await consumer.info(true)).num_pending;
  const byWorkflow = new Map<string, string[]>();
  while (pending > 0) {
    for await (const m of await consumer.fetch({ max_messages: Math.min(pending, 1_000), expires: 2_000 })) {
      const wf = m.subject.split(".").at(-1) as string;
      byWorkflow.set(wf, [...(byWorkflow.get(wf) ?? []), (decodeRaw(m.data) as { task: string }).task]);
      pending = m.info.pending;
    }
  }
  return byWorkflow;
}

/** Side effects so far: a cheap progress measure (one stream info request). */
async function effectsSoFar(nc: NatsConnection): Promise<number> {
  const jsm = await jetstream(nc).jetstreamManager();
  return (await jsm.streams.info("FIXTURE")).state.messages;
}

test("SIGKILL of a coordinator and of an actor per role during 200 workflows loses and doubles nothing", async (t) => {
  const nats = await startTestNats(t, FAST_REDELIVERY);
  await ensureFixtureStream(nats.nc);
  const url = nats.url;
  const coordinators: Service[] = [await startCoordinatorProcess(t, url), await startCoordinatorProcess(t, url)];
  const coders = [await startActorProcess(t, url, "coder"), await startActorProcess(t, url, "coder")];
  const checkers = [await startActorProcess(t, url, "checker"), await startActorProcess(t, url, "checker")];
  const client = new PatchbayClient(nats.nc);
  t.teardown(() => client.close());
  const t0 = performance.now();
  const ids = Array.from({ length: WORKFLOWS }, (_, i) => `crash-${i}`);
  await Promise.all(ids.map((id) => client.start("effects", { tasks: TASKS_PER_ROUND, ms: 5 }, { id })));

  // Kill one process of each kind at different points of the run, restarting each.
  const killAt = async (fraction: number, victim: Service, restart: () => Promise<Service>) => {
    const target = WORKFLOWS * 2 * TASKS_PER_ROUND * fraction;
    await eventually(async () => (await effectsSoFar(nats.nc)) >= target, `${fraction * 100}% of the effects`, 60_000);
    await victim.kill("SIGKILL");
    t.log(`killed ${victim.name} pid ${victim.pid} at ${fraction * 100}% (${Math.round(performance.now() - t0)} ms)`);
    return await restart();
  };
  coordinators[0] = await killAt(0.1, coordinators[0], () => startCoordinatorProcess(t, url));
  coders[0] = await killAt(0.3, coders[0], () => startActorProcess(t, url, "coder"));
  checkers[1] = await killAt(0.5, checkers[1], () => startActorProcess(t, url, "checker"));
  coordinators[1] = await killAt(0.7, coordinators[1], () => startCoordinatorProcess(t, url));

  const records = await Promise.all(ids.map((id) => client.wait(id, 120_000)));
  t.log(`all ${WORKFLOWS} ended after ${Math.round(performance.now() - t0)} ms`);
  t.true(
    records.every((r) => r.status === "completed"),
    "every workflow completed",
  );
  t.true(
    records.every((r) => (r.result as { done: number }).done === 2 * TASKS_PER_ROUND),
    "no result applied twice",
  );
  const effects = await effectCounts(nats.nc);
  const wrong = ids.filter((id) => {
    const tasks = effects.get(id) ?? [];
    return tasks.length !== 2 * TASKS_PER_ROUND || new Set(tasks).size !== tasks.length;
  });
  t.deepEqual(wrong, [], "each task's effect exists exactly once");
  t.log(`checked after ${Math.round(performance.now() - t0)} ms`);
});
