// Proves the CLI's DLQ and pool commands as real processes against a real nats-server: with a
// coordinator process started with PATCHBAY_SIGNAL_HOLD_MS=300, `dlq show` prints one dead letter
// with its headers and payload; `dlq replay` sends a held signal again once its workflow runs
// (which then completes) and a second replay is NOT_FOUND; a dead event is refused
// (DLQ_NOT_REPLAYABLE) and `dlq discard` deletes it; a bad sequence is a usage error; `queues
// --processes` (an in-process checker) shows each live process with the task it runs.
import test from "ava";
import type { ExecutionContext } from "ava";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstream } from "@nats-io/jetstream";
import { BenchTasks } from "../protocol/bench.ts";
import { Subject } from "../protocol/subjects.ts";
import { signalMessage } from "../protocol/workflow.ts";
import { ActorHost, implement } from "../infra/nats/actor-host.ts";
import { publishAll } from "../infra/nats/publish.ts";
import { fixtureRegistry } from "./fixtures/workflows/index.ts";
import { runCli, type CliResult } from "./helpers/cli.ts";
import { FAST_REDELIVERY, startCoordinatorProcess } from "./helpers/cluster.ts";
import { eventually, startTestNats } from "./helpers/nats.ts";
import { client, startCoordinator } from "./helpers/runtime.ts";

/** Runs the CLI against `url` with a temp PATCHBAY_HOME. */
async function cliOn(t: ExecutionContext, url: string): Promise<(args: string[]) => Promise<CliResult>> {
  const home = await mkdtemp(join(tmpdir(), "patchbay-dlq-cli-"));
  t.teardown(() => rm(home, { recursive: true, force: true }));
  return (args) => runCli([...args, "--nats", url], { env: { PATCHBAY_HOME: home } });
}

function json(t: ExecutionContext, r: CliResult): unknown {
  t.is(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as unknown;
}

test("dlq show, replay and discard; a second replay is NOT_FOUND, an event is not replayed", async (t) => {
  const { nc, url } = await startTestNats(t, FAST_REDELIVERY);
  await startCoordinatorProcess(t, url, { PATCHBAY_SIGNAL_HOLD_MS: "300" });
  const c = client(t, nc);
  const cli = await cliOn(t, url);
  await publishAll(nc, jetstream(nc), [signalMessage("late-cli", "approve", undefined, "approve-late-cli")]);
  nc.publish(Subject.event("ghost"), "not a message");
  const dead = await eventually(async () => {
    const all = await c.dlq();
    return all.length === 2 && all;
  }, "two dead letters");
  const signal = dead.find((e) => e.original_subject === "workflow.signal.late-cli");
  const event = dead.find((e) => e.original_subject === "workflow.event.ghost");
  if (!signal || !event) return t.fail(JSON.stringify(dead));
  t.regex(signal.reason, /no workflow 'late-cli' \(the signal waited 300 ms for its start\)/);

  t.like(json(t, await cli(["dlq", "show", String(signal.seq), "--json"])), {
    seq: signal.seq,
    replayable: true,
    original_msg_id: "approve-late-cli",
    payload: { format: "json", value: { name: "approve" } },
  });
  const shown = await cli(["dlq", "show", String(event.seq)]);
  t.regex(shown.stdout, /^replayable: no: workflow\.event\.ghost is not a public input/m);
  t.regex(shown.stdout, /^payload \(13 bytes, text\):\nnot a message$/m);

  await c.start("fixture-approval", { timeout_ms: 600_000 }, { id: "late-cli" });
  await eventually(async () => (await c.status("late-cli"))?.status === "running", "the workflow to run");
  t.like(json(t, await cli(["dlq", "replay", String(signal.seq), "--json"])), {
    seq: signal.seq,
    subject: "workflow.signal.late-cli",
    msg_id: `replay/${signal.seq}`,
  });
  t.is((await c.wait("late-cli", 10_000)).status, "completed");
  const again = await cli(["dlq", "replay", String(signal.seq)]);
  t.is(again.code, 1);
  t.regex(again.stderr, /^error: NOT_FOUND no DLQ message \d+/);

  const refused = await cli(["dlq", "replay", String(event.seq), "--json"]);
  t.is(refused.code, 1);
  t.like(JSON.parse(refused.stdout), { error: { code: "DLQ_NOT_REPLAYABLE" } });
  t.deepEqual(json(t, await cli(["dlq", "discard", String(event.seq), "--json"])), { seq: event.seq, discarded: true });
  t.is((await cli(["dlq"])).stdout, "no dead-lettered messages\n");
  const bad = await cli(["dlq", "replay", "abc"]);
  t.is(bad.code, 1);
  t.regex(bad.stderr, /^error: command-argument value 'abc' is invalid for argument 'seq'/);
});

test("queues --processes shows each live process with the task it runs", async (t) => {
  const { nc, url } = await startTestNats(t);
  await startCoordinator(t, nc, fixtureRegistry());
  const c = client(t, nc);
  const cli = await cliOn(t, url);
  let release: () => void = () => undefined;
  const held = new Promise<void>((r) => (release = r));
  const host = new ActorHost({
    nc,
    role: "checker",
    runner: "box-a:1",
    concurrency: 2,
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
  await c.start("bench-fanout", { fanout: 1 }, { id: "busy" });
  await eventually(async () => (await c.processes())[0]?.in_flight.length === 1, "the task to run");

  const pools = json(t, await cli(["queues", "--processes", "--json"])) as Record<string, { processes: unknown[] }>;
  t.like(pools.checker, { pending: 0, ack_pending: 1, redelivered: 0 });
  t.like(pools.checker.processes[0], { runner: "box-a:1", state: "serving", in_flight: [{ workflow_id: "busy" }] });
  t.deepEqual(pools.coder.processes, []);
  const text = (await cli(["queues", "--processes"])).stdout;
  t.regex(text, /^checker\s+0 queued\s+1 running\s+0 redelivered {2}1 process\(es\)$/m);
  t.regex(text, /^ {2}box-a:1 {2}serving {2}1\/2 in flight {2}up [\d.]+ s$/m);
  t.regex(text, /^ {4}busy\/t1 \(bench\.noop, run 1, attempt 1\) for [\d.]+ s$/m);
  t.like(json(t, await cli(["queues", "--json"])), { checker: { queued: 0, running: 1 } });
  release();
});
