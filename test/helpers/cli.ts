/**
 * The `patchbay` CLI as a real process for end-to-end tests: one-shot runs with a deadline,
 * long-running ones (watch, start --wait, up) killed on teardown, the system Node for the bin
 * shim, and Linux /proc helpers to find a process's children and tell whether a PID is gone.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, readdirSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExecutionContext } from "ava";
import { ROOT } from "./processes.ts";

const MAIN = `${ROOT}services/cli/main.ts`;
const SHIM = `${ROOT}bin/patchbay.mjs`;
/** Node's compile cache halves the startup of each CLI process, which is most of these tests' time. */
const COMPILE_CACHE = join(tmpdir(), "patchbay-test-compile-cache");

/** Variables a test must choose itself rather than inherit from the shell running the tests. */
const NOT_INHERITED = ["NATS_URL", "NATS_USER", "NATS_PASSWORD", "PATCHBAY_HOME", "PATCHBAY_GATEWAY_PORT"];

/** Options of a CLI run. */
export interface CliOptions {
  /** Added to the environment; must set PATCHBAY_HOME so a developer's running `up` is never used. */
  env: Record<string, string>;
  /** Written to stdin (for `--input -`); stdin is closed either way. */
  input?: string;
  /** The run is SIGKILLed and the promise rejected after this long (default 30 s). */
  timeoutMs?: number;
  /** Node binary that runs `bin/patchbay.mjs` instead of running main.ts on process.execPath. */
  shimNode?: string;
}

/** What a finished CLI run printed and how it exited. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A CLI process still running. */
export interface CliProcess {
  proc: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the result once the process has exited. */
  exited: Promise<CliResult>;
  /** Waits until `stream` matches `pattern` (fails if the process exits first); returns the match. */
  waitFor(pattern: RegExp, stream: "stdout" | "stderr", timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends `signal` (if still running) and resolves with the result. */
  kill(signal?: NodeJS.Signals): Promise<CliResult>;
}

const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const p of running) p.kill("SIGKILL");
});

/** The environment of a CLI process: this one's, less what a test must choose itself, plus `env` (which must set PATCHBAY_HOME). */
export function cliEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  if (!env.PATCHBAY_HOME)
    throw new Error("runCli: set PATCHBAY_HOME (a temp dir) so no running `up` of the developer is found");
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of NOT_INHERITED) delete base[name];
  return { NODE_COMPILE_CACHE: COMPILE_CACHE, ...base, ...env };
}

function launch(args: string[], opts: CliOptions): ChildProcess {
  const [cmd, argv] = opts.shimNode ? [opts.shimNode, [SHIM, ...args]] : [process.execPath, [MAIN, ...args]];
  const proc = spawn(cmd, argv, { cwd: ROOT, env: cliEnv(opts.env), stdio: ["pipe", "pipe", "pipe"] });
  running.add(proc);
  proc.once("exit", () => running.delete(proc));
  proc.stdin?.on("error", () => undefined);
  proc.stdin?.end(opts.input ?? "");
  return proc;
}

/** Starts the CLI and returns at once; the process is SIGKILLed when the test ends. */
export function spawnCli(t: ExecutionContext, args: string[], opts: CliOptions): CliProcess {
  const proc = launch(args, opts);
  const out = { stdout: "", stderr: "" };
  proc.stdout?.on("data", (d: Buffer) => {
    out.stdout += d.toString();
  });
  proc.stderr?.on("data", (d: Buffer) => {
    out.stderr += d.toString();
  });
  const exited = new Promise<CliResult>((resolve) => {
    proc.once("close", (code) => resolve({ code, stdout: out.stdout, stderr: out.stderr }));
  });
  const alive = () => proc.exitCode === null && proc.signalCode === null;
  const cli: CliProcess = {
    proc,
    pid: proc.pid ?? -1,
    exited,
    stdout: () => out.stdout,
    stderr: () => out.stderr,
    async waitFor(pattern, stream, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = out[stream].match(pattern);
        if (m) return m;
        const why = !alive() ? "exited" : Date.now() > deadline ? `timed out after ${timeoutMs} ms` : undefined;
        if (why)
          throw new Error(
            `patchbay ${args.join(" ")}: ${why} before printing ${pattern}\nstdout: ${out.stdout}\nstderr: ${out.stderr}`,
          );
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async kill(signal: NodeJS.Signals = "SIGKILL") {
      if (alive()) proc.kill(signal);
      return await exited;
    },
  };
  t.teardown(async () => {
    await cli.kill("SIGKILL");
  });
  return cli;
}

/** Runs the CLI to completion; rejects (after SIGKILL) when it takes longer than `timeoutMs`. */
export async function runCli(args: string[], opts: CliOptions): Promise<CliResult> {
  const proc = launch(args, opts);
  let stdout = "";
  let stderr = "";
  proc.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  proc.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(
        new Error(
          `patchbay ${args.join(" ")} still running after ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`,
        ),
      );
    }, timeoutMs);
    proc.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A Node on the system other than the one running the tests (for the bin shim), with its version. */
export function systemNode(): { path: string; version: string } | undefined {
  const ours = realpathSync(process.execPath);
  for (const candidate of ["/usr/bin/node", "/usr/local/bin/node", "/bin/node"]) {
    if (!existsSync(candidate) || realpathSync(candidate) === ours) continue;
    const version = execFileSync(candidate, ["--version"], { encoding: "utf8" }).trim();
    return { path: candidate, version };
  }
  return undefined;
}

/** A process as /proc shows it. */
export interface ProcInfo {
  pid: number;
  /** The command line, arguments joined by spaces. */
  args: string;
}

function readProc(pid: number): { ppid: number; state: string; args: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
    return { ppid: Number(ppid), state, args };
  } catch {
    return undefined;
  }
}

/** The live children of `pid` (Linux /proc). */
export function childrenOf(pid: number): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const info = readProc(Number(name));
    if (info && info.ppid === pid && info.state !== "Z") out.push({ pid: Number(name), args: info.args });
  }
  return out;
}

/** Whether `pid` still runs (a zombie waiting to be reaped counts as gone). */
export function isAlive(pid: number): boolean {
  const info = readProc(pid);
  return info !== undefined && info.state !== "Z" && info.state !== "X";
}

/** SIGKILLs `proc` if it still runs the same command line (a test's leftover after a failure). */
export function killIfStillRunning(proc: ProcInfo): void {
  const info = readProc(proc.pid);
  if (info && info.state !== "Z" && info.args === proc.args) process.kill(proc.pid, "SIGKILL");
}

/**
 * A stand-in for a test's ExecutionContext in `before` hooks (where AVA forbids teardown):
 * collects teardowns and runs them, last first, from `after.always`.
 */
export function sharedContext(title: string): { t: ExecutionContext; teardown(): Promise<void> } {
  const teardowns: Array<() => unknown> = [];
  const t = {
    title,
    teardown: (fn: () => unknown) => {
      teardowns.push(fn);
    },
  } as unknown as ExecutionContext;
  return {
    t,
    async teardown() {
      for (const fn of teardowns.reverse()) await fn();
    },
  };
}
