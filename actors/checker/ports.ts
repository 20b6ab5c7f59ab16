/**
 * What a check needs from the world, passed in by the checker's main (no NATS here).
 */
import type { AnalysisPool } from "../../infra/analysis/index.ts";
import type { SandboxOptions, SandboxResult } from "../../infra/sandbox/index.ts";
import type { Workspaces } from "../../infra/git/index.ts";
import type { CheckId, CheckIssue, CheckOutcome, ResolvedTarget } from "../../protocol/quality-gate.ts";

/** Ports of the checker role. */
export interface CheckerPorts {
  workspaces: Workspaces;
  analysis: AnalysisPool;
  /** Runs a repository's own command (the sandbox, `runInSandbox`). */
  run(opts: SandboxOptions): Promise<SandboxResult>;
  now(): number;
  log(line: string): void;
  /** `<host>:<pid>` of this process. */
  runner: string;
  /**
   * The user's environment (default `process.env`): the sandbox passes its allow-listed
   * variables on (infra/sandbox/env.ts), and the repository's Node is looked for on its PATH
   * (patchbay's own runtime never runs the repository's commands).
   */
  inherit?: Readonly<Record<string, string | undefined>>;
  /** npm's package cache shared by this machine's checks (downloads once, integrity-checked). */
  packageCache?: string;
  /**
   * patchbay's cache of Nodes and package managers fetched from the npm registry (default
   * `runtimes` beside the package cache, else ~/.cache/patchbay/runtimes).
   */
  toolCache?: string;
}

/** One check's request, with the worktree of the head already checked out. */
export interface CheckRequest {
  check: CheckId;
  target: ResolvedTarget;
  /** The head's worktree (dependencies installed). */
  dir: string;
  required_coverage: number;
  /** Budget for the check's own commands. */
  timeout_ms: number;
  signal: AbortSignal;
}

/** What a check computes; the handler adds id, name, timing and runner. */
export type CheckFindings = Pick<CheckOutcome, "passed" | "skipped" | "score" | "summary" | "metrics"> & {
  issues: CheckIssue[];
  skip_reason?: string;
  /** Why a skipped check did not run: nothing to check, or it could not run. */
  skip_kind?: "not_applicable" | "unavailable";
  /** The Node and package manager the repository's commands ran on (`node 20.20.2 (.nvmrc 20)`). */
  runtime?: string;
};
