// Proves the per-service NATS users of docs/permissions.md against a real nats-server started with the
// config `patchbay nats-config` writes: verify-only provisioning only reads (NOT_FOUND before
// the admin provisioned, CONFIG_DRIFT after a drift, and a restricted user in create mode is
// told to use it); the real coordinator and checker processes run as their own users with
// PATCHBAY_PROVISION=verify and a bench-fanout started by the `client` user completes; the
// server refuses the actor-checker publishing tasks or starts and reading saga records, and
// the client publishing tasks or writing saga records; a wrong password stops a process with
// a one-line auth error.
import test from "ava";
import type { ExecutionContext } from "ava";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { PermissionViolationError, type NatsConnection } from "@nats-io/transport-node";
import { openArtifacts } from "../infra/nats/artifacts.ts";
import { connectNats } from "../infra/nats/connect.ts";
import { startNatsServer, type NatsServer } from "../infra/nats/launcher.ts";
import { provision } from "../infra/nats/provision.ts";
import { Bucket, Consumer, Stream, Subject } from "../protocol/subjects.ts";
import { PatchbayClient } from "../infra/client/index.ts";
import { runCli, sharedContext } from "./helpers/cli.ts";
import { eventually } from "./helpers/nats.ts";
import { ROOT, spawnService } from "./helpers/processes.ts";

/** The shared deployment: a server with the generated users, their passwords, a temp home. */
interface Deployment {
  server: NatsServer;
  passwords: Record<string, string>;
  /** The files nats-config wrote. */
  files: { config: string; credentials: string };
  home: string;
}

const suite = sharedContext("permissions e2e");
let d: Deployment;

test.before(async () => {
  const dir = await mkdtemp(join(tmpdir(), "patchbay-perms-"));
  suite.t.teardown(() => rm(dir, { recursive: true, force: true }));
  const home = join(dir, "home");
  const gen = await runCli(["nats-config", "--out", join(dir, "nats"), "--json"], { env: { PATCHBAY_HOME: home } });
  if (gen.code !== 0) throw new Error(`nats-config failed: ${gen.stderr}`);
  const files = JSON.parse(gen.stdout) as { config: string; credentials: string };
  const server = await startNatsServer({ storeDir: join(dir, "store"), configFile: files.config });
  suite.t.teardown(() => server.stop());
  d = { server, passwords: await readCredentials(files.credentials), files, home };
});
test.after.always(() => suite.teardown());

/** `<PREFIX>_NATS_USER=u` / `<PREFIX>_NATS_PASSWORD=p` pairs → user → password. */
async function readCredentials(path: string): Promise<Record<string, string>> {
  const vars = new Map<string, string>();
  for (const line of (await readFile(path, "utf8")).split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) vars.set(m[1], m[2]);
  }
  const out: Record<string, string> = {};
  for (const [name, user] of vars) {
    if (name.endsWith("_NATS_USER")) out[user] = vars.get(name.replace(/_USER$/, "_PASSWORD")) ?? "";
  }
  return out;
}

/** Connects as `user` with its generated password; closed when the test ends. */
async function as(t: ExecutionContext, user: string): Promise<NatsConnection> {
  const nc = await connectNats({ url: d.server.url, name: `test-${user}`, user, pass: d.passwords[user] });
  t.teardown(() => nc.close().catch(() => undefined));
  return nc;
}

/** Environment of a service process running as `user` in verify-only mode. */
function serviceEnv(user: string): Record<string, string> {
  return {
    NATS_URL: d.server.url,
    NATS_USER: user,
    NATS_PASSWORD: d.passwords[user],
    PATCHBAY_PROVISION: "verify",
    PATCHBAY_HOME: d.home,
  };
}

/** Asserts that `op` was refused by the server as a publish to a subject matching `subject`. */
async function denied(t: ExecutionContext, op: Promise<unknown>, subject: RegExp): Promise<void> {
  const err = await t.throwsAsync(op);
  const cause = (err as Error & { cause?: unknown })?.cause ?? err;
  t.true(cause instanceof PermissionViolationError, `expected a permissions violation, got ${String(err)}`);
  t.regex((cause as PermissionViolationError).subject, subject);
}

test.serial(
  "nats-config writes the config and one pair per service, credentials readable by the owner only",
  async (t) => {
    t.deepEqual(Object.keys(d.passwords).sort(), [
      "actor-architect",
      "actor-checker",
      "actor-coder",
      "actor-diagnoser",
      "actor-merger",
      "actor-planner",
      "admin",
      "client",
      "coordinator",
      "gateway",
    ]);
    t.is(new Set(Object.values(d.passwords)).size, 10, "every password differs");
    t.true(Object.values(d.passwords).every((p) => p.length >= 32));
    for (const file of [d.files.credentials, d.files.config]) t.is((await stat(file)).mode & 0o777, 0o600, file);
  },
);

test.serial(
  "verify-only provisioning reads only: NOT_FOUND before the admin provisioned, CONFIG_DRIFT after a drift",
  async (t) => {
    const coordinator = await as(t, "coordinator");
    const missing = await t.throwsAsync(provision(coordinator, {}, { verifyOnly: true }));
    t.is((missing as { code?: string }).code, "NOT_FOUND");
    t.regex(missing?.message ?? "", /stream TASKS.*consumer TASKS\/actor-checker.*KV sagas.*object store artifacts/);
    const create = await t.throwsAsync(provision(coordinator));
    t.is((create as { code?: string }).code, "CONFIG_INVALID");
    t.regex(create?.message ?? "", /may not create.*PATCHBAY_PROVISION=verify/);

    await provision(await as(t, "admin"));
    await t.notThrowsAsync(provision(coordinator, {}, { verifyOnly: true }));
    const drift = await t.throwsAsync(provision(coordinator, { taskAckWaitMs: 5_000 }, { verifyOnly: true }));
    t.is((drift as { code?: string }).code, "CONFIG_DRIFT");
    t.regex(drift?.message ?? "", /consumer TASKS\/actor-checker ack_wait is 30000000000, expected 5000000000/);
  },
);

test.serial(
  "the coordinator and a checker run as their own users; a bench-fanout started by the client completes",
  async (t) => {
    const services = await Promise.all([
      spawnService(t, "coordinator", "services/coordinator/main.ts", serviceEnv("coordinator")),
      spawnService(t, "checker", "services/checker/main.ts", serviceEnv("actor-checker")),
    ]);
    const client = new PatchbayClient(await as(t, "client"));
    t.teardown(() => client.close());
    const id = await client.start("bench-fanout", { fanout: 4 });
    const rec = await client.wait(id, 30_000);
    t.is(rec.status, "completed", JSON.stringify(rec.error));
    t.is((rec.result as { tasks: number }).tasks, 4);
    t.true((await client.history(id)).length >= 4, "the client reads the history");
    t.true(
      (await client.list({ type: "bench-fanout" })).some((r) => r.id === id),
      "the client lists saga records",
    );
    for (const s of services) t.notRegex(s.output(), /Permissions Violation/i, s.name);
  },
);

test.serial("the server refuses what a user may not do", async (t) => {
  const checker = await as(t, "actor-checker");
  const js = jetstream(checker);
  await denied(t, js.publish(Subject.task("coder"), new Uint8Array()), /^task\.coder$/);
  await denied(t, js.publish(Subject.start("x"), new Uint8Array()), /^workflow\.start\.x$/);
  // An actor reads saga records (its fence) but never writes them; it writes claims, not forge records.
  const sagas = await new Kvm(checker).open(Bucket.Sagas);
  t.is(await sagas.get("any"), null);
  await denied(t, sagas.put("any", new Uint8Array([1])), /^\$KV\.sagas\.any$/);
  await (await new Kvm(checker).open(Bucket.Claims)).put("probe", new Uint8Array([1]));
  await denied(t, (await new Kvm(checker).open(Bucket.Forge)).put("any", new Uint8Array([1])), /^\$KV\.forge\.any$/);

  const client = await as(t, "client");
  await denied(t, jetstream(client).publish(Subject.task("checker"), new Uint8Array()), /^task\.checker$/);
  // Replies are per user: nobody may listen to another user's inbox.
  const sniff = client.subscribe("_INBOX_coordinator.>");
  const violation = await sniff.closed;
  t.true(violation instanceof PermissionViolationError, `subscribing to another user's inbox: ${String(violation)}`);
  await denied(t, (await new Kvm(client).open(Bucket.Sagas)).put("any", new Uint8Array([1])), /^\$KV\.sagas\.any$/);

  const jsm = await jetstreamManager(await as(t, "admin"));
  for (const role of ["coder", "checker"] as const)
    t.is((await jsm.consumers.info(Stream.Tasks, Consumer.actor(role))).num_pending, 0, `no task reached ${role}`);
  t.is((await jsm.streams.info(Stream.Workflows)).state.messages, 0, "no start was stored");
});

test.serial("the coder keeps artifacts that the CLI reads; another actor may not write one", async (t) => {
  const name = "transcripts/wf-1/1/patch.json";
  await (await openArtifacts(await as(t, "actor-coder"))).put(name, '{"steps":[]}');
  await (await openArtifacts(await as(t, "actor-coder"))).put(name, '{"steps":[1]}');
  t.is(
    await (await openArtifacts(await as(t, "client"))).get(name),
    '{"steps":[1]}',
    "replaced, and read by the client",
  );
  await denied(t, (await openArtifacts(await as(t, "actor-checker"))).put("x", "y"), /^\$JS\.API\.|^\$O\.artifacts\./);
});

test.serial("a process with a wrong password stops with a one-line auth error", async (t) => {
  const proc = spawn(process.execPath, [join(ROOT, "services/checker/main.ts")], {
    env: { ...process.env, ...serviceEnv("actor-checker"), NATS_PASSWORD: "wrong-password" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  t.teardown(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
  });
  let out = "";
  let closed: { code: number | null } | undefined;
  proc.stdout.on("data", (b: Buffer) => {
    out += b.toString();
  });
  proc.stderr.on("data", (b: Buffer) => {
    out += b.toString();
  });
  proc.once("close", (code) => {
    closed = { code };
  });
  const { code } = await eventually(async () => closed, "the checker to exit", 20_000);
  t.is(code, 1);
  const lines = out.trim().split("\n");
  t.is(lines.length, 1, out);
  t.regex(lines[0], /^error: NATS_AUTH_FAILED .*Authorization Violation/);
});
