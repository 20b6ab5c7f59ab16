// Proves the `patchbay` CLI end to end as real processes against real coordinator and checker
// processes: NATS is found by --nats, NATS_URL, the nats.url of a running `up` or the default,
// and failures are one-line errors with exit 1 (with --json, one JSON error object on stdout
// and nothing on stderr; WAIT_TIMEOUT speaks of --timeout's seconds); start validates before publishing, prints one
// JSON object with --wait --json, and waits on an existing id instead of starting another;
// status, show, list, signal, cancel, reset, watch and dlq work as text and --json (an empty
// list says "no workflows"); the bin
// shim runs the CLI on an older system Node.
import test from "ava";
import type { ExecutionContext } from "ava";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { eventually, keysOf, startTestNats, type TestNats } from "./helpers/nats.ts";
import { spawnService } from "./helpers/processes.ts";
import { runCli, sharedContext, spawnCli, systemNode, type CliOptions, type CliResult } from "./helpers/cli.ts";
import { freePort } from "../infra/nats/launcher.ts";
import { PatchbayClient } from "../infra/client/index.ts";
import { Bucket, Stream } from "../protocol/subjects.ts";

/** The shared deployments: `full` has a coordinator and a checker; on `stuck` (no checker) workflows stay running. */
interface Deployments {
  full: TestNats;
  stuck: TestNats;
  fullClient: PatchbayClient;
  stuckClient: PatchbayClient;
  /** PATCHBAY_HOME with no nats.url in it. */
  home: string;
  /** A URL where nothing listens. */
  deadUrl: string;
}

const suite = sharedContext("cli e2e");
let d: Deployments;

test.before(async () => {
  const [full, stuck] = await Promise.all([startTestNats(suite.t), startTestNats(suite.t)]);
  await Promise.all([
    spawnService(suite.t, "coordinator", "services/coordinator/main.ts", { NATS_URL: full.url }),
    spawnService(suite.t, "checker", "services/checker/main.ts", { NATS_URL: full.url }),
    spawnService(suite.t, "coordinator-stuck", "services/coordinator/main.ts", { NATS_URL: stuck.url }),
  ]);
  const home = await mkdtemp(join(tmpdir(), "patchbay-cli-"));
  suite.t.teardown(() => rm(home, { recursive: true, force: true }));
  const fullClient = new PatchbayClient(full.nc);
  const stuckClient = new PatchbayClient(stuck.nc);
  suite.t.teardown(() => {
    fullClient.close();
    stuckClient.close();
  });
  d = { full, stuck, fullClient, stuckClient, home, deadUrl: `nats://127.0.0.1:${await freePort()}` };
});
test.after.always(() => suite.teardown());

/** Runs the CLI with `--nats <url>` appended. */
const cli = (url: string, args: string[], opts: Partial<CliOptions> = {}) =>
  runCli([...args, "--nats", url], { ...opts, env: { PATCHBAY_HOME: d.home, ...opts.env } });
/** Runs the CLI finding NATS through NATS_URL. */
const cliEnv = (url: string, args: string[], opts: Partial<CliOptions> = {}) =>
  runCli(args, { ...opts, env: { PATCHBAY_HOME: d.home, NATS_URL: url, ...opts.env } });

/** Asserts a failed run: exit 1, nothing on stdout, exactly one `error: CODE …` line on stderr. */
function failsWith(t: ExecutionContext, r: CliResult, code: string, detail?: RegExp): void {
  t.is(r.code, 1, r.stderr);
  t.is(r.stdout, "");
  const lines = r.stderr.trim().split("\n");
  t.is(lines.length, 1, r.stderr);
  t.true(lines[0].startsWith(`error: ${code} `), r.stderr);
  if (detail) t.regex(lines[0], detail);
}

/**
 * Asserts a failed run with --json: exit 1, nothing on stderr, stdout exactly one object
 * `{"error": {"code", "message"}}` (with `id` first when given).
 */
function failsWithJson(t: ExecutionContext, r: CliResult, code: string, detail?: RegExp, id?: string): void {
  t.is(r.code, 1, r.stdout);
  t.is(r.stderr, "");
  const out = oneJson(t, r) as { id?: string; error: { code: string; message: string } };
  t.deepEqual(Object.keys(out), id === undefined ? ["error"] : ["id", "error"], r.stdout);
  t.is(out.id, id);
  t.deepEqual(Object.keys(out.error).sort(), ["code", "message"]);
  t.is(out.error.code, code, r.stdout);
  if (detail) t.regex(out.error.message, detail);
}

/** Parses stdout that must be exactly one JSON value on one line. */
function oneJson(t: ExecutionContext, r: CliResult): unknown {
  const lines = r.stdout.trim().split("\n");
  t.is(lines.length, 1, r.stdout);
  return JSON.parse(r.stdout);
}

async function inputFile(input: unknown): Promise<string> {
  const file = join(d.home, `input-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(input));
  return file;
}

/** A completed bench-fanout workflow on the full deployment, its last log in the history. */
async function completed(id: string, fanout: number): Promise<void> {
  await d.fullClient.start("bench-fanout", { fanout }, { id });
  await d.fullClient.wait(id, 20_000);
  await eventually(
    async () =>
      (await d.fullClient.history(id)).some(
        (e) => e.message?.type === "log/v1" && e.message.data.entries.some((x) => x.step === "completed"),
      ),
    `the history of ${id} to end`,
  );
}

test.serial(
  "NATS is found by --nats, else NATS_URL, else the nats.url of a running up, else 127.0.0.1:4222",
  async (t) => {
    await completed("find-1", 1);
    const wrongHome = await mkdtemp(join(tmpdir(), "patchbay-cli-wrong-"));
    const rightHome = await mkdtemp(join(tmpdir(), "patchbay-cli-right-"));
    t.teardown(() => Promise.all([rm(wrongHome, { recursive: true }), rm(rightHome, { recursive: true })]));
    await writeFile(join(wrongHome, "nats.url"), d.deadUrl);
    await writeFile(join(rightHome, "nats.url"), `${d.full.url}\n`);
    const status = ["status", "find-1", "--json"];
    const [byFlag, byEnv, byFile, byDefault] = await Promise.all([
      runCli([...status, "--nats", d.full.url], { env: { PATCHBAY_HOME: wrongHome, NATS_URL: d.deadUrl } }),
      runCli(status, { env: { PATCHBAY_HOME: wrongHome, NATS_URL: d.full.url } }),
      runCli(status, { env: { PATCHBAY_HOME: rightHome } }),
      runCli(status, { env: { PATCHBAY_HOME: d.home } }),
    ]);
    for (const r of [byFlag, byEnv, byFile]) {
      t.is(r.code, 0, r.stderr);
      t.like(oneJson(t, r), { id: "find-1", status: "completed" });
    }
    if (byDefault.code === 0)
      t.log("something answers on 127.0.0.1:4222; the default is only checked when nothing does");
    else failsWithJson(t, byDefault, "NATS_UNREACHABLE", /nats:\/\/127\.0\.0\.1:4222/);
  },
);

test.serial(
  "every command exits 1 with a one-line reason (a JSON error with --json) when NATS is unreachable or NATS_URL is invalid",
  async (t) => {
    const commands = [
      ["start", "bench-fanout"],
      ["status", "x"],
      ["show", "x"],
      ["list"],
      ["signal", "x", "approve"],
      ["cancel", "x"],
      ["reset", "x", "--event", "1"],
      ["watch", "x"],
      ["dlq"],
    ];
    const json = await Promise.all(commands.map((args) => cli(d.deadUrl, [...args, "--json"])));
    for (const r of json) failsWithJson(t, r, "NATS_UNREACHABLE", new RegExp(d.deadUrl));
    const text = await Promise.all(commands.map((args) => cli(d.deadUrl, args)));
    for (const r of text) failsWith(t, r, "NATS_UNREACHABLE", new RegExp(d.deadUrl));
    const badEnv = { env: { PATCHBAY_HOME: d.home, NATS_URL: "http://nope" } };
    failsWith(t, await runCli(["list"], badEnv), "CONFIG_INVALID", /NATS_URL/);
    failsWithJson(t, await runCli(["list", "--json"], badEnv), "CONFIG_INVALID", /NATS_URL/);
  },
);

test.serial("start refuses a bad input naming the field and publishes nothing", async (t) => {
  const fresh = await startTestNats(t);
  const bad = [
    { input: { fanout: 1000 }, field: /fanout/ },
    { input: { fanout: 2, payload_bytes: -1 }, field: /payload_bytes/ },
    { input: { task_timeout_ms: "soon" }, field: /task_timeout_ms/ },
  ];
  for (const { input, field } of bad) {
    failsWithJson(
      t,
      await cli(fresh.url, [
        "start",
        "bench-fanout",
        "--id",
        "bad-1",
        "--input",
        await inputFile(input),
        "--wait",
        "--json",
      ]),
      "INVALID_INPUT",
      field,
    );
  }
  failsWith(
    t,
    await cliEnv(fresh.url, ["start", "bench-fanout", "--input", "-", "--wait"], { input: "{not json" }),
    "INVALID_INPUT",
    /not JSON/,
  );
  failsWith(
    t,
    await cli(fresh.url, ["start", "no-such-type", "--input", "-"], { input: "{}" }),
    "UNKNOWN_WORKFLOW_TYPE",
    /no-such-type/,
  );
  const jsm = await jetstreamManager(fresh.nc);
  t.is((await jsm.streams.info(Stream.Workflows)).state.last_seq, 0, "nothing was ever published to WORKFLOWS");
  t.deepEqual(await keysOf(fresh.nc, Bucket.Sagas), []);
});

test.serial("start --wait --json prints exactly the result, with the input from a file or from stdin", async (t) => {
  const fromFile = await cli(d.full.url, [
    "start",
    "bench-fanout",
    "--id",
    "wait-1",
    "--input",
    await inputFile({ fanout: 3 }),
    "--wait",
    "--json",
  ]);
  t.is(fromFile.code, 0, fromFile.stderr);
  t.like(oneJson(t, fromFile), { tasks: 3 });
  const fromStdin = await cliEnv(d.full.url, ["start", "bench-fanout", "--input", "-", "--wait", "--json"], {
    input: '{"fanout": 5}',
  });
  t.is(fromStdin.code, 0, fromStdin.stderr);
  t.like(oneJson(t, fromStdin), { tasks: 5 });
  const noWait = await cli(d.full.url, ["start", "bench-fanout", "--id", "nowait-1", "--json"]);
  t.deepEqual(oneJson(t, noWait), { id: "nowait-1" });
  const plain = await cliEnv(d.full.url, ["start", "bench-fanout"]);
  t.regex(plain.stdout, /^bench-fanout-\S+\n$/);
  const rec = await d.fullClient.wait(plain.stdout.trim(), 20_000);
  t.like(rec, { status: "completed", result: { tasks: 8 } }, "the default input");
});

test.serial("a start with an existing id waits on that workflow instead of starting another", async (t) => {
  const args = ["start", "bench-fanout", "--id", "dup-1", "--input", "-", "--wait", "--json"];
  const first = await cli(d.full.url, args, { input: '{"fanout": 3}' });
  t.is(first.code, 0, first.stderr);
  const jsm = await jetstreamManager(d.full.nc);
  const seqBefore = (await jsm.streams.info(Stream.Workflows)).state.last_seq;
  const again = await cli(d.full.url, args, { input: '{"fanout": 5}' });
  t.is(again.code, 0, again.stderr);
  t.is(again.stdout, first.stdout, "the first workflow's result");
  const text = await cliEnv(d.full.url, ["start", "bench-fanout", "--id", "dup-1", "--wait"]);
  t.regex(text.stderr, /dup-1 exists \(completed\); not started again/);
  t.is((await jsm.streams.info(Stream.Workflows)).state.last_seq, seqBefore, "no start published");
  const starts = (await d.fullClient.history("dup-1")).filter(
    (e) => e.message?.type === "log/v1" && e.message.data.entries.some((x) => x.step === "started"),
  );
  t.is(starts.length, 1);
});

test.serial("status, show, list and watch report a workflow as text and as --json", async (t) => {
  await completed("seen-1", 2);
  const status = await cli(d.full.url, ["status", "seen-1"]);
  t.regex(status.stdout.split("\n")[0], /^seen-1\s+bench-fanout v1\s+run 1\s+completed$/);
  const rec = oneJson(t, await cliEnv(d.full.url, ["status", "seen-1", "--json"])) as Record<string, unknown>;
  t.like(rec, { id: "seen-1", type: "bench-fanout", status: "completed", result: { tasks: 2 } });
  t.false("outbox" in rec);
  const show = await cli(d.full.url, ["show", "seen-1"]);
  const lines = show.stdout
    .trim()
    .split("\n")
    .map((l) => /^\s*(\d+)\s+(\d\d:\d\d:\d\d\.\d{3})\s+(\S.*)$/.exec(l));
  t.true(lines.every(Boolean), show.stdout);
  t.deepEqual(
    lines.map((m) => Number(m?.[1])),
    [1, 2, 3, 4],
  );
  t.regex(lines[0]?.[3] ?? "", /bench-fanout started/);
  t.regex(lines[3]?.[3] ?? "", /\[run 1\] completed/);
  const history = oneJson(t, await cliEnv(d.full.url, ["show", "seen-1", "--json"])) as Array<{ number: number }>;
  t.deepEqual(
    history.map((e) => e.number),
    [1, 2, 3, 4],
  );
  const watched = await cli(d.full.url, ["watch", "seen-1", "--json"]);
  t.is(watched.code, 0, "watch of a completed workflow exits 0");
  t.deepEqual(
    watched.stdout
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { number: number }).number),
    [1, 2, 3, 4],
  );
  failsWith(t, await cli(d.full.url, ["status", "nosuch"]), "NOT_FOUND", /nosuch/);
  failsWith(t, await cliEnv(d.full.url, ["show", "nosuch"]), "NOT_FOUND", /nosuch/);
});

test.serial("list filters by --type and --status", async (t) => {
  await completed("listed-1", 1);
  const ids = (r: CliResult) => (oneJson(t, r) as Array<{ id: string; status: string; type: string }>).map((x) => x.id);
  const [byBoth, running, otherType, text] = await Promise.all([
    cli(d.full.url, ["list", "--type", "bench-fanout", "--status", "completed", "--json"]),
    cliEnv(d.full.url, ["list", "--status", "running", "--json"]),
    cli(d.full.url, ["list", "--type", "no-such-type", "--json"]),
    cli(d.full.url, ["list", "--status", "completed"]),
  ]);
  t.true(ids(byBoth).includes("listed-1"));
  t.false(ids(running).includes("listed-1"));
  t.deepEqual(ids(otherType), []);
  t.regex(text.stdout, /^listed-1\s+bench-fanout\s+completed\s+run 1\s/m);
  t.is((await cli(d.full.url, ["list", "--type", "no-such-type"])).stdout, "no workflows (--type no-such-type)\n");
});

test.serial("signal lands in the history; reset --event N replays the first N events as run 2", async (t) => {
  await completed("steer-1", 2);
  const signal = await cli(d.full.url, ["signal", "steer-1", "approve", "--payload", '{"ok":true}', "--json"]);
  t.deepEqual(oneJson(t, signal), { id: "steer-1", signal: "approve" });
  await eventually(
    async () =>
      (await d.fullClient.history("steer-1")).some(
        (e) =>
          e.message?.type === "signal.received/v1" &&
          e.message.data.name === "approve" &&
          (e.message.data.payload as { ok?: boolean })?.ok === true,
      ),
    "the signal in the history",
  );
  const reset = await cliEnv(d.full.url, ["reset", "steer-1", "--event", "2", "--json"]);
  t.deepEqual(oneJson(t, reset), { id: "steer-1", reset_to: 2 });
  const rec = await d.fullClient.wait("steer-1", 20_000, 2);
  t.like(rec, { run: 2, status: "completed", result: { tasks: 2 } });
  failsWith(t, await cli(d.full.url, ["reset", "steer-1", "--event", "99"]), "RESET_INVALID", /99/);
  failsWith(t, await cli(d.full.url, ["signal", "nosuch", "approve"]), "NOT_FOUND", /nosuch/);
  failsWith(t, await cli(d.full.url, ["cancel", "nosuch"]), "NOT_FOUND", /nosuch/);
});

test.serial(
  "watch follows a running workflow live; cancel ends it and a waiting start prints {id, error}",
  async (t) => {
    const url = d.stuck.url;
    const started = await cli(url, [
      "start",
      "bench-fanout",
      "--id",
      "live-1",
      "--input",
      await inputFile({ fanout: 2 }),
    ]);
    t.is(started.stdout, "live-1\n");
    await eventually(() => d.stuckClient.status("live-1"), "live-1 to exist");
    const env = { PATCHBAY_HOME: d.home, NATS_URL: url };
    const waiting = spawnCli(t, ["start", "bench-fanout", "--id", "live-1", "--wait", "--json"], { env });
    const watch = spawnCli(t, ["watch", "live-1"], { env });
    await watch.waitFor(/^\s*1\s.*bench-fanout started/m, "stdout");
    await cli(url, ["signal", "live-1", "poke"]);
    await watch.waitFor(/^\s*\d+\s.*signal 'poke' received/m, "stdout");
    t.deepEqual(oneJson(t, await cliEnv(url, ["cancel", "live-1", "--json"])), { id: "live-1", signal: "cancel" });
    const watched = await watch.exited;
    t.is(watched.code, 1, "watch of a cancelled workflow exits 1");
    t.regex(watched.stdout.trim().split("\n").at(-1) ?? "", /cancelled/);
    t.regex(watched.stderr, /^error: CANCELLED /m, "and says why on stderr");
    const waited = await waiting.exited;
    t.is(waited.code, 1, waited.stderr);
    const out = oneJson(t, waited) as { id: string; error: { code: string; message: string } };
    t.deepEqual(Object.keys(out).sort(), ["error", "id"]);
    t.like(out, { id: "live-1", error: { code: "CANCELLED" } });
    t.is(typeof out.error.message, "string");
    const cancelled = oneJson(t, await cli(url, ["list", "--status", "cancelled", "--json"])) as Array<{ id: string }>;
    t.true(cancelled.some((r) => r.id === "live-1"));
  },
);

test.serial(
  "start --wait --json of a workflow that fails or outlives --timeout prints {id, error} and exits 1",
  async (t) => {
    const [failed, late] = await Promise.all([
      cli(d.stuck.url, ["start", "bench-fanout", "--id", "fail-1", "--input", "-", "--wait", "--json"], {
        input: '{"fanout": 1, "task_timeout_ms": 100, "queue_timeout_ms": 5000}',
      }),
      cliEnv(d.stuck.url, ["start", "bench-fanout", "--id", "late-1", "--wait", "--timeout", "1", "--json"]),
    ]);
    failsWithJson(t, failed, "QUEUE_TIMEOUT", undefined, "fail-1");
    failsWithJson(t, late, "WAIT_TIMEOUT", /^workflow late-1 still running after 1 s \(--timeout 1\)$/, "late-1");
    const [watchedJson, watchedText] = await Promise.all([
      cli(d.stuck.url, ["watch", "late-1", "--timeout", "1", "--json"]),
      cli(d.stuck.url, ["watch", "late-1", "--timeout", "1"]),
    ]);
    t.is(watchedJson.code, 1);
    t.is(watchedJson.stderr, "");
    const last = JSON.parse(watchedJson.stdout.trim().split("\n").at(-1) ?? "") as unknown;
    t.deepEqual(last, {
      id: "late-1",
      error: { code: "WAIT_TIMEOUT", message: "workflow late-1 still running after 1 s (--timeout 1)" },
    });
    t.is(watchedText.code, 1);
    t.is(watchedText.stderr, "error: WAIT_TIMEOUT workflow late-1 still running after 1 s (--timeout 1)\n");
  },
);

test.serial("dlq lists dead-lettered messages with their subject and code", async (t) => {
  d.full.nc.publish("workflow.start.bench-fanout", new Uint8Array([0xc1, 0xff, 0x00]));
  await eventually(async () => (await d.fullClient.dlq()).length > 0, "a dead-lettered start");
  const entries = oneJson(t, await cliEnv(d.full.url, ["dlq", "--json"])) as Array<{
    original_subject: string;
    code: string;
    reason: string;
  }>;
  t.true(
    entries.some(
      (e) => e.original_subject === "workflow.start.bench-fanout" && e.code === "INVALID_MESSAGE" && e.reason !== "",
    ),
    JSON.stringify(entries),
  );
  const text = await cli(d.full.url, ["dlq"]);
  t.regex(text.stdout, /^\d+\s+\S+Z\s+workflow\.start\.bench-fanout\s+INVALID_MESSAGE\s+\S/m);
});

// The shim's promise is that `patchbay` runs on whatever Node the user has, not only on the
// pinned one. That needs a second Node to try; on a machine with only the pinned Node there is
// nothing to run it on, so the test is reported skipped, with that reason, not passed. On this
// machine and in CI /usr/bin/node (Debian's) is that second Node and the test runs.
const sysNode = systemNode();
if (sysNode) {
  test.serial(`the bin shim runs the CLI on the system Node (${sysNode.version} at ${sysNode.path})`, async (t) => {
    const shim = { shimNode: sysNode.path };
    const r = await cli(d.full.url, ["start", "bench-fanout", "--input", "-", "--wait", "--json"], {
      ...shim,
      input: '{"fanout": 2}',
    });
    t.is(r.code, 0, r.stderr);
    t.like(oneJson(t, r), { tasks: 2 });
    failsWith(t, await cliEnv(d.full.url, ["status", "nosuch"], shim), "NOT_FOUND", /nosuch/);
  });
} else {
  test.skip("the bin shim runs the CLI on the system Node (skipped: no node at /usr/bin, /usr/local/bin or /bin besides the test's own)", () =>
    undefined);
}
