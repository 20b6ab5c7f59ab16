// Proves that numeric flags keep to the configuration's rules, with the CLI and an actor as
// real processes against a real nats-server: 0, a negative or a non-number is refused with one
// line naming the flag and a non-zero exit, and nothing is published; an actor given such a
// --concurrency stops at once with CONFIG_INVALID.
import test from "ava";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { Stream } from "../protocol/subjects.ts";
import { runCli } from "./helpers/cli.ts";
import { startTestNats } from "./helpers/nats.ts";
import { spawnService } from "./helpers/processes.ts";

const cases: Array<[string[], RegExp]> = [
  [["start", "bench-fanout", "--wait", "--timeout", "abc"], /^error: option '--timeout <s>' argument 'abc' is invalid/],
  [["start", "bench-fanout", "--wait", "--timeout", "0"], /^error: option '--timeout <s>' argument '0' is invalid/],
  [["watch", "x", "--timeout", "-5"], /^error: option '--timeout <s>' argument '-5' is invalid/],
  [["dlq", "--limit", "0"], /^error: option '--limit <n>' argument '0' is invalid/],
  [["reset", "x", "--event", "abc"], /^error: option '--event <n>' argument 'abc' is invalid/],
  [["reset", "x", "--event", "-1"], /^error: option '--event <n>' argument '-1' is invalid/],
  [["list", "--status", "done"], /^error: option '--status <status>' argument 'done' is invalid/],
  [["list", "--before", "x"], /^error: option '--before <cursor>' argument 'x' is invalid/],
];

test("numeric flags refuse 0, negatives and non-numbers with one line naming the flag; so does an actor's --concurrency", async (t) => {
  const nats = await startTestNats(t);
  const home = await mkdtemp(join(tmpdir(), "patchbay-flags-"));
  t.teardown(() => rm(home, { recursive: true, force: true }));
  const jsm = await jetstreamManager(nats.nc);
  const before = (await jsm.streams.info(Stream.Workflows)).state.last_seq;
  const results = await Promise.all(
    cases.map(([args]) => runCli([...args, "--nats", nats.url], { env: { PATCHBAY_HOME: home } })),
  );
  results.forEach((r, i) => {
    t.not(r.code, 0, r.stderr);
    t.is(r.stdout, "");
    t.is(r.stderr.trim().split("\n").length, 1, r.stderr);
    t.regex(r.stderr, cases[i]![1]);
  });
  t.is((await jsm.streams.info(Stream.Workflows)).state.last_seq, before, "nothing was published");
  for (const value of ["0", "abc"]) {
    const actor = spawnService(t, `checker-${value}`, "services/checker/main.ts", { NATS_URL: nats.url }, [
      "--concurrency",
      value,
    ]);
    const err = await t.throwsAsync(actor);
    t.regex(err?.message ?? "", new RegExp(`exited: error: CONFIG_INVALID --concurrency: "${value}" is invalid`));
  }
});
