/**
 * Runs Procfile processes as children on the pinned Node: prefixes their output, waits for
 * their `ready` line, restarts one that crashes, and stops them all with SIGTERM (SIGKILL
 * after a grace). Children get an IPC channel, so they exit when the supervisor dies.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";

/** One Procfile line that runs a Node script. */
export interface ProcSpec {
  name: string;
  script: string;
  args: string[];
}

/** Node-script lines of the Procfile (the `nats` line is handled by the supervisor itself). */
export function readProcfile(root: string): ProcSpec[] {
  const specs: ProcSpec[] = [];
  for (const line of readFileSync(join(root, "Procfile"), "utf8").split("\n")) {
    const m = /^([a-z][\w-]*):\s*node\s+(\S+)(.*)$/.exec(line.trim());
    if (m) specs.push({ name: m[1], script: join(root, m[2]), args: m[3].trim().split(/\s+/).filter(Boolean) });
  }
  return specs;
}

interface Child {
  spec: ProcSpec;
  index: number;
  proc: ChildProcess;
  readyLine?: string;
  restarts: number;
}

/** A set of supervised children. */
export class Supervisor {
  readonly #env: NodeJS.ProcessEnv;
  readonly #log: (line: string) => void;
  readonly #children: Child[] = [];
  #stopping = false;

  constructor(env: NodeJS.ProcessEnv, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)) {
    this.#env = env;
    this.#log = log;
  }

  /** PIDs of the running children. */
  get pids(): number[] {
    return this.#children.map((c) => c.proc.pid ?? -1);
  }

  /** Starts `count` instances of `spec` and waits until each printed its ready line. */
  async run(spec: ProcSpec, count: number, readyTimeoutMs = 20_000): Promise<string[]> {
    const starting: Array<Promise<string>> = [];
    for (let i = 0; i < count; i++) {
      const child: Child = { spec, index: i + 1, proc: this.#spawn(spec, i + 1), restarts: 0 };
      this.#children.push(child);
      starting.push(this.#ready(child, readyTimeoutMs));
    }
    return await Promise.all(starting);
  }

  #spawn(spec: ProcSpec, index: number): ChildProcess {
    const proc = spawn(process.execPath, [spec.script, ...spec.args], {
      env: this.#env,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    const tag = `${spec.name}.${index}`;
    for (const stream of [proc.stdout, proc.stderr]) {
      if (stream) createInterface({ input: stream }).on("line", (l) => this.#log(`${tag.padEnd(14)}| ${l}`));
    }
    proc.on("exit", (code, signal) => this.#onExit(spec, index, code, signal));
    return proc;
  }

  #ready(child: Child, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new TerminalError(ErrorCode.ServerStartFailed, `${child.spec.name} not ready after ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onLine = (l: string) => {
        if (!/\bready\b/.test(l)) return;
        clearTimeout(timer);
        child.readyLine = l;
        resolve(l);
      };
      const exit = () => {
        clearTimeout(timer);
        reject(new TerminalError(ErrorCode.ServerStartFailed, `${child.spec.name} exited before it was ready`));
      };
      for (const s of [child.proc.stdout, child.proc.stderr]) if (s) createInterface({ input: s }).on("line", onLine);
      child.proc.once("exit", exit);
    });
  }

  #onExit(spec: ProcSpec, index: number, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#stopping) return;
    const child = this.#children.find((c) => c.spec === spec && c.index === index);
    this.#log(`${spec.name}.${index} exited (${signal ?? code})`);
    if (!child || child.restarts >= 5) return;
    child.restarts += 1;
    setTimeout(() => {
      if (this.#stopping) return;
      this.#log(`restarting ${spec.name}.${index} (restart ${child.restarts})`);
      child.proc = this.#spawn(spec, index);
    }, 500 * child.restarts);
  }

  /** SIGTERM to every child, SIGKILL after `graceMs`; resolves when all are gone. */
  async stop(graceMs = 10_000): Promise<void> {
    this.#stopping = true;
    await Promise.all(this.#children.map((c) => stopChild(c.proc, graceMs)));
  }
}

function stopChild(proc: ChildProcess, graceMs: number): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => proc.kill("SIGKILL"), graceMs);
    proc.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    proc.kill("SIGTERM");
  });
}
