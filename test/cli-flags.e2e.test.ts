// Proves that numeric flags keep to the configuration's rules, with the CLI and an actor as
// real processes against a real nats-server: 0, a negative or a non-number is refused with one
// line naming the flag and a non-zero exit, and nothing is published; with --json the same
// refusal is one JSON object {"error": {"code": "INVALID_INPUT", "message"}} on stdout and
// nothing on stderr; an actor given such a --concurrency stops at once with CONFIG_INVALID.
// On a NATS with no workflows, `list` (and `dlq`) say so in text; `list --json` prints [].
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
  [
    ["start", "bench-fanout", "--timeout", "700000"],
    /^error: option '--timeout <s>' argument '700000' is invalid\. .*<=604800 \(seconds\)$/m,
  ],
  [["list", "--bogus"], /^error: unknown option '--bogus'$/m],
  [["status"], /^error: missing required argument 'id'$/m],
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

test.serial("with --json, a refused flag is one JSON error object on stdout and nothing on stderr", async (t) => {
  const nats = await startTestNats(t);
  const home = await mkdtemp(join(tmpdir(), "patchbay-flags-json-"));
  t.teardown(() => rm(home, { recursive: true, force: true }));
  const results = await Promise.all(
    cases.map(([args]) =>
      runCli([...args, "--json", "--nats", nats.url], { env: { PATCHBAY_HOME: home }, timeoutMs: 90_000 }),
    ),
  );
  results.forEach((r, i) => {
    t.is(r.code, 1, r.stdout);
    t.is(r.stderr, "");
    t.is(r.stdout.trim().split("\n").length, 1, r.stdout);
    const out = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    t.deepEqual(Object.keys(out), ["error"]);
    t.deepEqual(Object.keys(out.error).sort(), ["code", "message"]);
    t.is(out.error.code, "INVALID_INPUT");
    t.regex(`error: ${out.error.message}`, cases[i]![1]);
  });
});

test.serial(
  "list on a NATS with no workflows prints 'no workflows' (with the filters given), or [] with --json; dlq says it is empty",
  async (t) => {
    const nats = await startTestNats(t);
    const home = await mkdtemp(join(tmpdir(), "patchbay-list-empty-"));
    t.teardown(() => rm(home, { recursive: true, force: true }));
    const list = (...args: string[]) => runCli(["list", ...args, "--nats", nats.url], { env: { PATCHBAY_HOME: home } });
    const [text, filtered, json, dlq] = await Promise.all([
      list(),
      list("--type", "bench-fanout", "--status", "completed"),
      list("--json"),
      runCli(["dlq", "--nats", nats.url], { env: { PATCHBAY_HOME: home } }),
    ]);
    for (const r of [text, filtered, json, dlq]) t.is(r.code, 0, r.stderr);
    t.is(dlq.stdout, "no dead-lettered messages\n");
    t.is(text.stdout, "no workflows\n");
    t.is(filtered.stdout, "no workflows (--type bench-fanout --status completed)\n");
    t.is(json.stdout, "[]\n");
  },
);
