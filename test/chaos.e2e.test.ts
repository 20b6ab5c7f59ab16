// Proves the runtime under a mix of faults, as Jepsen-style tests do, with real processes: 2
// coordinators and 2 workers run 200 workflows of 3 slow tasks while, at random points (the
// seed is logged), a coordinator and a worker are SIGKILLed and restarted, a worker is
// SIGSTOPped past the ack wait and resumed, and the nats-server is killed and restarted.
// Every workflow completes; no task result is applied twice (each workflow's state holds each
// task once, and its log ends once); a task runs again only where the contract allows it (its
// first runner was killed or frozen, or its result could not be published while the server
// was down: at most the tasks in flight then).
import test from "ava";
import type { ExecutionContext } from "ava";
import { connectNats } from "../infra/nats/connect.ts";
import { PatchbayClient } from "../infra/client/index.ts";
import { ensureFixtureStream } from "./fixtures/runtime/handlers.ts";
import { FAST_REDELIVERY, startActorProcess, startCoordinatorProcess } from "./helpers/cluster.ts";
import { executions, repeated, staleRuns } from "./helpers/effects.ts";
import { eventually, startTestNats, type TestNats } from "./helpers/nats.ts";
import type { Service } from "./helpers/processes.ts";

const WORKFLOWS = 200;
const TASKS = 3;
const CONCURRENCY = 8;

/** A small seeded generator, so a failing run can be told apart (the seed is logged). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1_664_525 + 1_013_904_223) >>> 0) / 2 ** 32;
}

/** Waits until `fraction` of all task executions have been recorded. */
async function progress(client: PatchbayClient, ids: string[], fraction: number): Promise<void> {
  const target = Math.floor(WORKFLOWS * fraction);
  await eventually(
    async () => {
      let done = 0;
      for (const id of ids) if ((await client.status(id))?.status === "completed") done += 1;
      return done >= target;
    },
    `${fraction * 100}% of the workflows to complete`,
    90_000,
  );
}

interface Cluster {
  nats: TestNats;
  coordinators: Service[];
  workers: Service[];
  killed: Set<number>;
  stopped: Set<number>;
}

async function chaos(
  t: ExecutionContext,
  c: Cluster,
  client: PatchbayClient,
  ids: string[],
  rnd: () => number,
): Promise<void> {
  const pick = <T>(list: T[]) => list[Math.floor(rnd() * list.length)] as T;
  const points = [0.1, 0.25, 0.4, 0.55].map((p) => p + rnd() * 0.1);
  await progress(client, ids, points[0]!);
  const coordinator = pick(c.coordinators);
  await coordinator.kill("SIGKILL");
  c.killed.add(coordinator.pid);
  c.coordinators[c.coordinators.indexOf(coordinator)] = await startCoordinatorProcess(t, c.nats.url);
  t.log(`SIGKILL coordinator ${coordinator.pid}`);
  await progress(client, ids, points[1]!);
  const worker = pick(c.workers);
  await worker.kill("SIGKILL");
  c.killed.add(worker.pid);
  c.workers[c.workers.indexOf(worker)] = await startActorProcess(t, c.nats.url, "coder", {}, CONCURRENCY);
  t.log(`SIGKILL worker ${worker.pid}`);
  await progress(client, ids, points[2]!);
  const frozen = pick(c.workers);
  frozen.proc.kill("SIGSTOP");
  c.stopped.add(frozen.pid);
  // The length of the fault, not a wait for an event: past the 2 s ack wait, its tasks are redelivered.
  await new Promise((r) => setTimeout(r, 3_000));
  frozen.proc.kill("SIGCONT");
  t.log(`SIGSTOP/SIGCONT worker ${frozen.pid}`);
  await progress(client, ids, points[3]!);
  await c.nats.server.kill();
  c.nats.server = await c.nats.server.restart();
  t.log("nats-server killed and restarted");
}

test("SIGKILLs, a SIGSTOP and a nats-server restart during 200 workflows: all complete, nothing applied twice", async (t) => {
  const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);
  t.log(`seed ${seed} (CHAOS_SEED=${seed} replays this schedule)`);
  const nats = await startTestNats(t, FAST_REDELIVERY);
  await ensureFixtureStream(nats.nc);
  const c: Cluster = {
    nats,
    coordinators: [await startCoordinatorProcess(t, nats.url), await startCoordinatorProcess(t, nats.url)],
    workers: [
      await startActorProcess(t, nats.url, "coder", {}, CONCURRENCY),
      await startActorProcess(t, nats.url, "coder", {}, CONCURRENCY),
    ],
    killed: new Set(),
    stopped: new Set(),
  };
  const starter = new PatchbayClient(nats.nc);
  t.teardown(() => starter.close());
  const ids = Array.from({ length: WORKFLOWS }, (_, i) => `chaos-${i}`);
  await Promise.all(ids.map((id) => starter.start("effects", { tasks: TASKS, ms: 150, rounds: 1 }, { id })));
  await chaos(t, c, starter, ids, random(seed));

  const nc = await connectNats({ url: nats.url, name: "chaos-checks" });
  t.teardown(() => nc.close());
  const client = new PatchbayClient(nc);
  t.teardown(() => client.close());
  const records = await Promise.all(ids.map((id) => client.wait(id, 120_000)));
  t.deepEqual(
    records.filter((r) => r.status !== "completed").map((r) => r.id),
    [],
    "every workflow completed",
  );
  const twice = records.filter((r) => new Set((r.state as { outputs: string[] }).outputs).size !== TASKS);
  t.deepEqual(
    twice.map((r) => r.id),
    [],
    "each task's result was applied once",
  );
  const histories = await Promise.all(ids.slice(0, 20).map((id) => client.history(id)));
  for (const h of histories) {
    const ends = h
      .flatMap((e) => (e.message?.type === "log/v1" ? e.message.data.entries : []))
      .filter((x) => x.step === "completed");
    t.is(ends.length, 1, "the history ends once");
  }

  const runs = await executions(nc, "effect");
  const repeats = [...repeated(runs)];
  const explained = (pids: number[]) => c.killed.has(pids[0]!) || c.stopped.has(pids[0]!);
  const unexplained = repeats.filter(([, pids]) => !explained(pids));
  t.log(`${runs.length} executions, ${repeats.length} repeated (${unexplained.length} around the server restart)`);
  t.true(
    unexplained.length <= 2 * CONCURRENCY,
    `repeats not explained by a kill or a freeze: ${JSON.stringify(unexplained)}`,
  );
  t.deepEqual(staleRuns(runs), [], "no delivery ran after a newer one of its attempt (the fence after a freeze)");
  t.is(new Set(runs.map((r) => `${r.workflow}/${r.task}`)).size, WORKFLOWS * TASKS, "every task ran");
});
