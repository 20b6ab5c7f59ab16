/**
 * A whole `patchbay up` stack as a real child process, for browser tests and scripts (no AVA
 * context needed): its home is given, its NATS and gateway URLs come from its ready line, and
 * stop() ends it with SIGTERM, then SIGKILLs by PID whatever of it is left.
 */
import { spawn } from "node:child_process";
import { freePort } from "../../infra/nats/launcher.ts";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ROOT } from "./processes.ts";
import { childrenOf, cliEnv, isAlive, killIfStillRunning, type ProcInfo } from "./cli.ts";

/** `up`'s one line on stdout once every process is ready. */
export const UP_READY = /^patchbay ready nats=(\S+) gateway=(\S+) token=(\S+)$/m;

/** A running `up` stack. */
export interface UpStack {
  pid: number;
  nats: string;
  gateway: string;
  /** The console's token (`up` keeps it in `<home>/gateway.token`). */
  token: string;
  /** Its children when it was ready (nats-server and every Procfile process). */
  children: ProcInfo[];
  /** What it printed so far, stdout then stderr. */
  output(): string;
  /** SIGTERM, then SIGKILL of `up` and of each child still running; idempotent. */
  stop(): Promise<void>;
}

/** Starts `patchbay up` with PATCHBAY_HOME=`home`, `args` and `env`, and waits for its ready line. */
export async function startUpStack(
  home: string,
  args: string[] = [],
  readyTimeoutMs = 60_000,
  env: Record<string, string> = {},
): Promise<UpStack> {
  const proc = spawn(process.execPath, [`${ROOT}services/cli/main.ts`, "up", ...args], {
    cwd: ROOT,
    // A free port of its own: 7070 may still be held by the previous stack's gateway as it stops.
    env: cliEnv({ PATCHBAY_HOME: home, PATCHBAY_GATEWAY_PORT: String(await freePort()), ...env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out = { stdout: "", stderr: "" };
  proc.stdout.on("data", (d: Buffer) => (out.stdout += d.toString()));
  proc.stderr.on("data", (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<void>((resolve) => {
    proc.once("exit", () => resolve());
    proc.once("error", () => resolve());
  });
  const output = () => `${out.stdout}${out.stderr}`;
  const pid = proc.pid ?? -1;
  let children: ProcInfo[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stopStack(pid, exited, () => children));
  const m = await readyLine(() => out.stdout, exited, readyTimeoutMs).catch(async (err: Error) => {
    children = childrenOf(pid);
    await stop();
    throw new Error(`patchbay up: ${err.message}\n${output()}`);
  });
  children = childrenOf(pid);
  const token = (await readFile(join(home, "gateway.token"), "utf8")).trim();
  return { pid, nats: m[1] as string, gateway: m[2] as string, token, children, output, stop };
}

async function readyLine(stdout: () => string, exited: Promise<void>, timeoutMs: number): Promise<RegExpMatchArray> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = stdout().match(UP_READY);
    if (m) return m;
    if (gone) throw new Error("exited before its ready line");
    if (Date.now() > deadline) throw new Error(`no ready line within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopStack(pid: number, exited: Promise<void>, children: () => ProcInfo[]): Promise<void> {
  if (pid <= 0) return;
  if (isAlive(pid)) process.kill(pid, "SIGTERM");
  const stopped = await Promise.race([exited.then(() => true), delay(20_000).then(() => false)]);
  if (!stopped && isAlive(pid)) process.kill(pid, "SIGKILL");
  await exited;
  const deadline = Date.now() + 10_000;
  while (children().some((c) => isAlive(c.pid)) && Date.now() < deadline) await delay(50);
  for (const c of children()) killIfStillRunning(c);
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
