/**
 * Runs a repository's own commands (tests, linters, codemods) with a timeout, a clean
 * environment, bounded output and, where bubblewrap works, a read-only view of everything
 * but the worktree. The command runs in its own process group; on timeout the whole group
 * gets SIGTERM, then SIGKILL after a grace period, and whatever the group left behind is
 * killed when the command itself exits.
 */
import { spawn } from "node:child_process";
import { mkdir, readFile, realpath, stat } from "node:fs/promises";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { ErrorCode, RetryableError, TerminalError } from "../../protocol/errors.ts";
import { bwrapArgs, chooseIsolation, findExecutable } from "./bwrap.ts";
import type { SandboxIsolation } from "./bwrap.ts";
import { buildSandboxEnv } from "./env.ts";
import { OutputTail } from "./output.ts";
import { isWithin } from "./paths.ts";

/** What to run and within which limits. */
export interface SandboxOptions {
  /** The program: a name looked up on the sandbox PATH, or a path (relative to `cwd`). */
  cmd: string;
  /** Its arguments, passed as-is (no shell). */
  args: readonly string[];
  /** The worktree root: the working directory and the only writable place under bwrap. */
  cwd: string;
  /** Wall-clock limit; the whole process group is killed when it passes. */
  timeoutMs: number;
  /** How many trailing bytes of stdout and of stderr (each) are kept. */
  maxOutputBytes: number;
  /** Extra variables to set; secret-looking names (…_TOKEN, …_KEY, NATS_…) are refused. */
  env?: Readonly<Record<string, string>>;
  /** `auto` (default) uses bubblewrap when it is installed and works; `never` spawns plainly. */
  useBwrap?: "auto" | "never";
  /** The bwrap binary; by default `bwrap` is looked up on the sandbox PATH. */
  bwrapPath?: string;
  /**
   * Absolute directories outside the worktree the command may also write (a shared package
   * cache); created when missing, bound read-write under bwrap.
   */
  writable?: readonly string[];
  /**
   * Absolute directories outside the worktree the command must be able to read (fetched
   * tools); under bwrap they are bound read-only (a tmpfs hides /tmp otherwise). Missing ones
   * are left out.
   */
  readOnly?: readonly string[];
  /** Aborting it stops the command like a timeout does (SIGTERM, then SIGKILL): a cancelled task. */
  signal?: AbortSignal;
  /** Time between SIGTERM and SIGKILL on timeout (default 2000 ms). */
  killGraceMs?: number;
  /** The environment the allow-listed variables are picked from (default `process.env`; see env.ts). */
  inherit?: Readonly<Record<string, string | undefined>>;
}

/** How a sandboxed run ended. */
export interface SandboxResult {
  /** Exit code, or null when killed by a signal; 127 when the command was not found, 126 when not executable. */
  exitCode: number | null;
  /** The signal that ended the command, if any. */
  signal: NodeJS.Signals | null;
  /** Whether the timeout fired (the group was then killed). */
  timedOut: boolean;
  /** Whether `signal` aborted the command (the group was then killed). */
  aborted: boolean;
  /** Wall-clock time from spawn to the end of output. */
  durationMs: number;
  /** The last `maxOutputBytes` bytes of stdout, as UTF-8. */
  stdoutTail: string;
  /** The last `maxOutputBytes` bytes of stderr, as UTF-8. */
  stderrTail: string;
  /** Bytes written to stdout in total. */
  stdoutBytes: number;
  /** Bytes written to stderr in total. */
  stderrBytes: number;
  /** Whether either stream produced more than `maxOutputBytes`. */
  outputTruncated: boolean;
  /** bwrap, or plain with the reason bwrap was not used. */
  isolation: SandboxIsolation;
  /** Why the command did not run at all (not found, not executable). */
  error?: string;
}

const DEFAULT_KILL_GRACE_MS = 2000;

/** Runs one command in the sandbox and reports how it ended; never throws for the command's own failure. */
export async function runInSandbox(options: SandboxOptions): Promise<SandboxResult> {
  validate(options);
  const root = await worktreeRoot(options.cwd);
  const env = await buildSandboxEnv({ inherit: options.inherit ?? process.env, extra: options.env, root });
  const isolation = await chooseIsolation(options.useBwrap ?? "auto", options.bwrapPath, env.PATH);
  const file = await findExecutable(options.cmd, env.PATH, root);
  if (file === undefined) return notStarted(options.cmd, isolation, await commandProblem(options.cmd, env.PATH, root));
  const [command, argv] =
    isolation.kind === "bwrap"
      ? [
          isolation.bwrapPath,
          bwrapArgs(
            root,
            [...(await gitReadOnlyPaths(root)), ...(await existingDirs(options.readOnly))],
            file,
            options.args,
            await writableDirs(options.writable),
          ),
        ]
      : [file, [...options.args]];
  return supervise(command, argv, {
    cwd: root,
    env,
    timeoutMs: options.timeoutMs,
    maxOutputBytes: options.maxOutputBytes,
    killGraceMs: options.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
    isolation,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** Creates the extra writable directories; each must be absolute. */
async function writableDirs(dirs: readonly string[] | undefined): Promise<string[]> {
  const out: string[] = [];
  for (const dir of dirs ?? []) {
    if (!isAbsolute(dir))
      throw new TerminalError(ErrorCode.InvalidInput, `sandbox: writable dir ${dir} must be absolute`);
    await mkdir(dir, { recursive: true });
    out.push(await realpath(dir));
  }
  return out;
}

/** The real paths of the absolute directories that exist. */
async function existingDirs(dirs: readonly string[] | undefined): Promise<string[]> {
  const out: string[] = [];
  for (const dir of dirs ?? []) {
    const real = isAbsolute(dir) ? await realpath(dir).catch(() => undefined) : undefined;
    if (real !== undefined) out.push(real);
  }
  return out;
}

function validate(options: SandboxOptions): void {
  const positive = (name: string, value: number): void => {
    if (!Number.isFinite(value) || value <= 0) {
      throw new TerminalError(ErrorCode.InvalidInput, `sandbox: ${name} must be a positive number, got ${value}`);
    }
  };
  positive("timeoutMs", options.timeoutMs);
  positive("maxOutputBytes", options.maxOutputBytes);
  if (options.killGraceMs !== undefined) positive("killGraceMs", options.killGraceMs);
  if (options.cmd === "" || options.cmd.includes("\0")) {
    throw new TerminalError(ErrorCode.InvalidInput, "sandbox: cmd must be a non-empty string");
  }
}

async function worktreeRoot(cwd: string): Promise<string> {
  try {
    const root = await realpath(cwd);
    if ((await stat(root)).isDirectory()) return root;
  } catch {
    // reported below
  }
  throw new TerminalError(ErrorCode.InvalidInput, `sandbox: cwd ${cwd} is not an existing directory`);
}

/**
 * What stays read-only under bwrap: the worktree's `.git` (a directory, or the file that
 * points at its repository) and, for a linked worktree, the repository it points at, bound
 * read-only so that git can read it even when it lies under /tmp (a fresh tmpfs inside).
 * A command may thus not rewrite git config or hooks that patchbay's own git would later run.
 */
async function gitReadOnlyPaths(root: string): Promise<string[]> {
  const gitLink = join(root, ".git");
  const info = await stat(gitLink).catch(() => undefined);
  if (info === undefined) return [];
  if (!info.isFile()) return [gitLink];
  const pointer = /^gitdir: (.+)$/m.exec(await readFile(gitLink, "utf8").catch(() => ""));
  if (pointer === null) return [gitLink];
  const gitDir = resolve(root, pointer[1].trim());
  const common = (await readFile(join(gitDir, "commondir"), "utf8").catch(() => ".")).trim();
  const repoDir = await realpath(resolve(gitDir, common)).catch(() => undefined);
  return repoDir === undefined || isWithin(root, repoDir) ? [gitLink] : [gitLink, repoDir];
}

async function commandProblem(
  cmd: string,
  searchPath: string,
  root: string,
): Promise<{ code: number; message: string }> {
  // findExecutable skips files that exist but lack the execute bit; tell those apart.
  const candidates = cmd.includes("/")
    ? [cmd.startsWith("/") ? cmd : join(root, cmd)]
    : searchPath.split(delimiter).map((dir) => join(dir, cmd));
  for (const candidate of candidates) {
    const info = await stat(candidate).catch(() => undefined);
    if (info?.isFile()) return { code: 126, message: `command not executable: ${candidate}` };
  }
  return { code: 127, message: `command not found: ${cmd} (PATH=${searchPath})` };
}

function notStarted(
  cmd: string,
  isolation: SandboxIsolation,
  problem: { code: number; message: string },
): SandboxResult {
  return {
    exitCode: problem.code,
    signal: null,
    timedOut: false,
    aborted: false,
    durationMs: 0,
    stdoutTail: "",
    stderrTail: `${problem.message}\n`,
    stdoutBytes: 0,
    stderrBytes: 0,
    outputTruncated: false,
    isolation,
    error: problem.message,
  };
}

interface SuperviseOptions {
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  maxOutputBytes: number;
  killGraceMs: number;
  isolation: SandboxIsolation;
  signal?: AbortSignal;
}

/** Sends a signal to a whole process group; a group that is already gone is fine. */
function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: nothing left in the group
  }
}

interface RunState {
  timedOut: boolean;
  aborted?: boolean;
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  settled: boolean;
  timers: NodeJS.Timeout[];
}

function supervise(command: string, argv: string[], opts: SuperviseOptions): Promise<SandboxResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, argv, {
      cwd: opts.cwd,
      env: opts.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stdout = new OutputTail(opts.maxOutputBytes);
    const stderr = new OutputTail(opts.maxOutputBytes);
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    const state: RunState = { timedOut: false, settled: false, timers: [] };
    const settle = (): boolean => {
      if (state.settled) return false;
      state.settled = true;
      state.timers.forEach(clearTimeout);
      return true;
    };
    const finish = (): void => {
      if (state.exit === undefined || !settle()) return;
      const durationMs = Math.round(performance.now() - started);
      resolve(toResult(state, durationMs, stdout, stderr, opts.isolation));
    };
    const pgid = child.pid;
    if (pgid !== undefined) armTimeout(pgid, state, opts);
    if (pgid !== undefined && opts.signal) stopOnAbort(pgid, state, opts, opts.signal);
    child.on("error", (err) => {
      if (!settle()) return;
      if (pgid !== undefined) killGroup(pgid, "SIGKILL");
      reject(
        new RetryableError(ErrorCode.SandboxFailed, `sandbox: could not run ${command}: ${err.message}`, {
          cause: err,
        }),
      );
    });
    child.on("exit", (code, signal) => {
      state.exit = { code, signal };
      // Nothing the command started may outlive it: kill what is left of its group.
      if (pgid !== undefined) killGroup(pgid, "SIGKILL");
      // A process that left the group may still hold the pipes open; do not wait for it forever.
      const giveUp = (): void => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish();
      };
      state.timers.push(setTimeout(giveUp, opts.killGraceMs));
    });
    child.on("close", finish);
  });
}

/** On timeout: SIGTERM to the group, then SIGKILL after the grace period. */
function armTimeout(pgid: number, state: RunState, opts: SuperviseOptions): void {
  const onTimeout = (): void => {
    if (state.exit !== undefined) return; // finished; only waiting for its output to close
    state.timedOut = true;
    killGroup(pgid, "SIGTERM");
    state.timers.push(setTimeout(() => killGroup(pgid, "SIGKILL"), opts.killGraceMs));
  };
  state.timers.push(setTimeout(onTimeout, opts.timeoutMs));
}

/** On abort: the same SIGTERM-then-SIGKILL as a timeout, reported as `aborted`. */
function stopOnAbort(pgid: number, state: RunState, opts: SuperviseOptions, signal: AbortSignal): void {
  const onAbort = (): void => {
    if (state.exit !== undefined) return;
    state.aborted = true;
    killGroup(pgid, "SIGTERM");
    state.timers.push(setTimeout(() => killGroup(pgid, "SIGKILL"), opts.killGraceMs));
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
}

function toResult(
  state: RunState,
  durationMs: number,
  stdout: OutputTail,
  stderr: OutputTail,
  isolation: SandboxIsolation,
): SandboxResult {
  return {
    exitCode: state.exit?.code ?? null,
    signal: state.exit?.signal ?? null,
    timedOut: state.timedOut,
    aborted: state.aborted === true,
    durationMs,
    stdoutTail: stdout.text(),
    stderrTail: stderr.text(),
    stdoutBytes: stdout.totalBytes,
    stderrBytes: stderr.totalBytes,
    outputTruncated: stdout.truncated || stderr.truncated,
    isolation,
  };
}
