// Proves invariants 2 and 3 (docs/architecture.md, "Invariants") with real processes: two coordinator processes and two
// actor processes per role run 200 concurrent workflows while one of each kind is SIGKILLed
// (and restarted) mid-run; no workflow is lost, no step is applied twice, and every task's
// side effect ran, a second time only where a kill explains it (executions counted where
// nothing deduplicates them).
import test from "ava";
import { jetstream } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { eventually, startTestNats } from "./helpers/nats.ts";
import { FAST_REDELIVERY, startActorProcess, startCoordinatorProcess } from "./helpers/cluster.ts";
import { ensureFixtureStream } from "./fixtures/runtime/handlers.ts";
import { PatchbayClient } from "../infra/client/index.ts";
import { executions, repeated } from "./helpers/effects.ts";
import type { Service } from "./helpers/processes.ts";

const WORKFLOWS = 200;
const TASKS_PER_ROUND = 3;
/** Tasks each actor process runs at once (the fixture actor's default). */
const ACTOR_CONCURRENCY = 8;

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
  const killed: Service[] = [];
  const killAt = async (fraction: number, victim: Service, restart: () => Promise<Service>) => {
    const target = WORKFLOWS * 2 * TASKS_PER_ROUND * fraction;
    await eventually(async () => (await effectsSoFar(nats.nc)) >= target, `${fraction * 100}% of the effects`, 60_000);
    await victim.kill("SIGKILL");
    killed.push(victim);
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
  // Executions are counted where nothing deduplicates them. A task runs again only when the
  // process running it was killed after its effect and before its result was applied: the
  // repeat's first run is on a killed process, and there are at most as many as it ran at once.
  const runs = await executions(nats.nc, "effect");
  const missing = ids.filter(
    (id) => new Set(runs.filter((r) => r.workflow === id).map((r) => r.task)).size !== 2 * TASKS_PER_ROUND,
  );
  t.deepEqual(missing, [], "every task's effect ran");
  const killedPids = new Set(killed.map((s) => s.pid));
  const repeats = repeated(runs);
  const unexplained = [...repeats].filter(([, pids]) => !killedPids.has(pids[0] ?? -1));
  t.deepEqual(unexplained, [], "a task ran twice only after its first runner was killed");
  t.true(repeats.size <= killed.length * ACTOR_CONCURRENCY, `${repeats.size} repeats`);
  t.log(`${runs.length} executions, ${repeats.size} repeated after a kill`);
  t.log(`checked after ${Math.round(performance.now() - t0)} ms`);
});
