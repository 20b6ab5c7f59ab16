/**
 * Running a repository's commands within one check's time budget: every command goes
 * through the sandbox port with what is left of the budget, the repository's toolchain on
 * PATH (toolchain.ts: its Node, never patchbay's own), and `CI=true` as CI services set it.
 * Nothing else that changes a test's behaviour (NO_COLOR, FORCE_COLOR, NODE_ENV) is added.
 */
import type { SandboxOptions, SandboxResult } from "../../infra/sandbox/index.ts";
import type { CheckIssue } from "../../protocol/quality-gate.ts";

export { lastLines } from "./error-excerpt.ts";

/** A command's result, with what it was and the time it was given. */
export interface CommandResult extends SandboxResult {
  /** `cmd args…` as shown in issues. */
  display: string;
  /** The time limit the command ran with. */
  limitMs: number;
}

/** Options of one command. */
export interface CommandOptions {
  env?: Record<string, string>;
  /** Trailing bytes kept per stream (default 256 KiB). */
  maxOutputBytes?: number;
  /** A limit below the remaining budget. */
  timeoutMs?: number;
}

/** Runs commands in one directory against a shared deadline. */
export interface Exec {
  /** The worktree the commands run in. */
  readonly dir: string;
  /** Milliseconds left before the deadline (never below 0). */
  remainingMs(): number;
  run(cmd: string, args: readonly string[], options?: CommandOptions): Promise<CommandResult>;
}

/** What {@link createExec} needs. */
export interface ExecOptions {
  dir: string;
  /** Epoch ms by which every command must be done. */
  deadline: number;
  now(): number;
  run(opts: SandboxOptions): Promise<SandboxResult>;
  /** The environment the sandbox picks its allow-listed variables from (default `process.env`). */
  inherit?: Readonly<Record<string, string | undefined>>;
  /** The commands' PATH (default the inherited PATH): the toolchain's. */
  searchPath?: string;
  /** Variables set for every command (the package managers' caches). */
  env?: Readonly<Record<string, string>>;
  /** Folders outside the worktree the commands must be able to read (fetched tools). */
  readOnly?: readonly string[];
  /**
   * A package cache shared by the commands of this machine (npm's `npm_config_cache`): the only
   * writable place outside the worktree. npm checks every tarball against the lockfile's
   * integrity hash, so a shared cache saves the downloads without trusting its contents.
   */
  packageCache?: string;
  /** The task's cancellation: a running command is stopped when it fires. */
  signal?: AbortSignal;
}

const DEFAULT_OUTPUT_BYTES = 256 * 1024;
/** Non-interactive runners, as on a CI service (vitest and jest leave watch mode when CI is set). */
const COMMAND_ENV: Record<string, string> = { CI: "true" };

/** An {@link Exec} for one worktree and deadline. */
export function createExec(options: ExecOptions): Exec {
  const inherit = options.inherit ?? process.env;
  const env = { ...inherit, PATH: options.searchPath ?? inherit.PATH, LANG: inherit.LANG ?? "C.UTF-8" };
  const remainingMs = (): number => Math.max(0, options.deadline - options.now());
  return {
    dir: options.dir,
    remainingMs,
    async run(cmd, args, commandOptions = {}) {
      const limitMs = Math.max(1, Math.min(remainingMs(), commandOptions.timeoutMs ?? Number.POSITIVE_INFINITY));
      const result = await options.run({
        cmd,
        args,
        cwd: options.dir,
        timeoutMs: limitMs,
        maxOutputBytes: commandOptions.maxOutputBytes ?? DEFAULT_OUTPUT_BYTES,
        env: {
          ...COMMAND_ENV,
          ...(options.packageCache ? { npm_config_cache: options.packageCache } : {}),
          ...options.env,
          ...commandOptions.env,
        },
        ...(options.packageCache ? { writable: [options.packageCache] } : {}),
        ...(options.readOnly ? { readOnly: options.readOnly } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        inherit: env,
      });
      return { ...result, display: [cmd, ...args].join(" "), limitMs };
    },
  };
}

/** The issue of a command cut at its time limit. */
export function timeoutIssue(result: CommandResult, what?: string): CheckIssue {
  return {
    severity: "high",
    message: `${what ?? result.display} timed out after ${result.limitMs} ms`,
    rule: "timeout",
  };
}

/** Whether the command ran and exited 0. */
export function succeeded(result: SandboxResult): boolean {
  return result.exitCode === 0 && !result.timedOut;
}
