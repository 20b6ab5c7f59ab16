// Proves `patchbay up` as a real supervisor: it starts its own nats-server (or none when given
// --nats or NATS_URL) and every Procfile process, scaled by --scale, prints one ready line,
// serves /healthz on the gateway and writes nats.url, through which a CLI with no NATS settings
// runs a workflow; SIGTERM and SIGINT stop every child by PID and remove nats.url; after a
// SIGKILL of `up` its node children exit by themselves and the next `up` kills the
// nats-server it left behind.
import test from "ava";
import type { ExecutionContext } from "ava";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually, startTestNats } from "./helpers/nats.ts";
import {
  childrenOf,
  isAlive,
  killIfStillRunning,
  runCli,
  spawnCli,
  type CliProcess,
  type ProcInfo,
} from "./helpers/cli.ts";

/** A running `up`: its process, what its ready line says, and its children by role. */
interface Up {
  cli: CliProcess;
  nats: string;
  gateway: string;
  children: ProcInfo[];
}

const READY = /^patchbay ready nats=(\S+) gateway=(\S+) token=(\S+)$/m;

async function tempHome(t: ExecutionContext): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), "patchbay-up-"));
  t.teardown(() => rm(home, { recursive: true, force: true }));
  return home;
}

/** Starts `up` and waits for its ready line; every child it had then is SIGKILLed at teardown if still there. */
async function startUp(t: ExecutionContext, env: Record<string, string>, args: string[] = []): Promise<Up> {
  const cli = spawnCli(t, ["up", ...args], { env });
  const m = await cli.waitFor(READY, "stdout", 40_000);
  const children = childrenOf(cli.pid);
  t.teardown(() => {
    for (const c of children) killIfStillRunning(c);
  });
  t.is(cli.stdout(), `${m[0]}\n`, "stdout is the one ready line");
  return { cli, nats: m[1], gateway: m[2], children };
}

/** The children whose command line runs `script` (e.g. "services/checker/main.ts" or "nats-server"). */
const running = (up: Up, script: string) => up.children.filter((c) => c.args.includes(script));

async function allGone(children: ProcInfo[], what: string, timeoutMs = 15_000): Promise<void> {
  await eventually(async () => children.every((c) => !isAlive(c.pid)), what, timeoutMs);
}

test.serial(
  "up starts nats-server and every process (--scale checker=2), serves /healthz, and is found through nats.url; SIGTERM stops all",
  async (t) => {
    const home = await tempHome(t);
    const up = await startUp(t, { PATCHBAY_HOME: home }, ["--scale", "checker=2"]);
    t.is(running(up, "services/coordinator/main.ts").length, 1);
    t.is(running(up, "services/checker/main.ts").length, 2);
    t.is(running(up, "services/gateway/main.ts").length, 1);
    t.is(running(up, "services/coder/main.ts").length, 1);
    t.is(running(up, "services/merger/main.ts").length, 1);
    t.is(running(up, "services/diagnoser/main.ts").length, 1);
    t.is(running(up, "services/architect/main.ts").length, 1);
    t.is(running(up, "services/planner/main.ts").length, 1);
    t.is(running(up, "nats-server").length, 1);
    t.is(up.children.length, 10, up.children.map((c) => c.args).join("\n"));
    t.is(readFileSync(join(home, "nats.url"), "utf8").trim(), up.nats);

    const health = await fetch(`${up.gateway}/healthz`);
    t.is(health.status, 200);
    t.deepEqual(await health.json(), { ok: true });

    const r = await runCli(["start", "bench-fanout", "--input", "-", "--wait", "--json"], {
      env: { PATCHBAY_HOME: home },
      input: '{"fanout": 4}',
    });
    t.is(r.code, 0, r.stderr);
    t.like(JSON.parse(r.stdout), { tasks: 4 });

    const stopped = await up.cli.kill("SIGTERM");
    t.is(stopped.code, 0, stopped.stderr);
    await allGone(up.children, "every child of up to be gone after SIGTERM");
    t.false(existsSync(join(home, "nats.url")), "nats.url removed");
    t.false(existsSync(join(home, "nats.pid")), "nats.pid removed");
  },
);

test.serial(
  "up --scale with an unknown process, or a needed role scaled to 0, exits 1 naming it and starts nothing",
  async (t) => {
    const cases: Array<[string, RegExp]> = [
      ["nosuch=1", /^error: INVALID_INPUT .*'nosuch'/],
      [
        "coder=0",
        /^error: ROLE_MISSING role 'coder' \(needed by quality-gate, code-patch, incident-swarm, code-migration, plan-patch-pr\) is scaled to 0$/,
      ],
    ];
    for (const [scale, expected] of cases) {
      const home = await tempHome(t);
      const r = await runCli(["up", "--scale", scale], { env: { PATCHBAY_HOME: home } });
      t.is(r.code, 1);
      t.is(r.stdout, "");
      const lines = r.stderr.trim().split("\n");
      t.is(lines.length, 1, r.stderr);
      t.regex(lines[0], expected);
      t.false(existsSync(join(home, "nats.pid")), "no nats-server started");
      t.false(existsSync(join(home, "nats.url")));
    }
  },
);

test.serial("up with NATS_URL or --nats starts no nats-server; SIGINT stops every child", async (t) => {
  const nats = await startTestNats(t);
  for (const [env, args] of [
    [{ NATS_URL: nats.url }, []],
    [{}, ["--nats", nats.url]],
  ] as const) {
    const home = await tempHome(t);
    const up = await startUp(t, { PATCHBAY_HOME: home, ...env }, [...args]);
    t.is(up.nats, nats.url);
    t.is(running(up, "nats-server").length, 0, "no nats-server of its own");
    t.is(up.children.length, 8, up.children.map((c) => c.args).join("\n"));
    t.is(readFileSync(join(home, "nats.url"), "utf8").trim(), nats.url);
    const stopped = await up.cli.kill("SIGINT");
    t.is(stopped.code, 0, stopped.stderr);
    await allGone(up.children, "every child of up to be gone after SIGINT");
    t.false(existsSync(join(home, "nats.url")), "nats.url removed");
  }
});

test.serial(
  "after SIGKILL of up its node children exit by themselves, and the next up kills the nats-server it left",
  async (t) => {
    const home = await tempHome(t);
    const first = await startUp(t, { PATCHBAY_HOME: home });
    const [server] = running(first, "nats-server");
    const nodeChildren = first.children.filter((c) => c !== server);
    t.is(nodeChildren.length, 8);
    t.is(readFileSync(join(home, "nats.pid"), "utf8").trim(), String(server.pid));

    await first.cli.kill("SIGKILL");
    await allGone(nodeChildren, "the node children of the killed up to exit on their own");
    t.true(isAlive(server.pid), "the nats-server is left running");

    const second = await startUp(t, { PATCHBAY_HOME: home });
    t.false(isAlive(server.pid), "the left nats-server was killed through nats.pid");
    const [newServer] = running(second, "nats-server");
    t.is(readFileSync(join(home, "nats.pid"), "utf8").trim(), String(newServer.pid));
    const r = await runCli(["list", "--json"], { env: { PATCHBAY_HOME: home } });
    t.is(r.code, 0, r.stderr);
    const stopped = await second.cli.kill("SIGTERM");
    t.is(stopped.code, 0, stopped.stderr);
    await allGone(second.children, "every child of the second up to be gone");
  },
);
