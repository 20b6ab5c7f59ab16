/**
 * Real child processes for end-to-end tests: spawned with process.execPath (so a kill by PID
 * hits the service itself), output captured, ready line awaited with a deadline, and every
 * process killed when the test ends.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ExecutionContext } from "ava";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** A spawned service. */
export interface Service {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Spawns `script` (relative to the repo root) and waits for a line containing "ready". */
export async function spawnService(
  t: ExecutionContext,
  name: string,
  script: string,
  env: Record<string, string>,
  args: string[] = [],
): Promise<Service> {
  const proc = spawn(process.execPath, [`${ROOT}${script}`, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const collect = (d: Buffer) => {
    out += d.toString();
  };
  proc.stdout?.on("data", collect);
  proc.stderr?.on("data", collect);
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  const service: Service = {
    name,
    proc,
    pid: proc.pid ?? -1,
    output: () => out,
    exited,
    async kill(signal: NodeJS.Signals = "SIGKILL") {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
  t.teardown(() => service.kill("SIGKILL"));
  await waitForOutput(service, /\bready\b/, 20_000);
  return service;
}

/** Waits until the service printed a line matching `pattern`. */
export async function waitForOutput(s: Service, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(s.output())) {
    if (s.proc.exitCode !== null || s.proc.signalCode !== null) throw new Error(`${s.name} exited: ${s.output()}`);
    if (Date.now() > deadline)
      throw new Error(`${s.name} did not print ${pattern} within ${timeoutMs} ms: ${s.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
