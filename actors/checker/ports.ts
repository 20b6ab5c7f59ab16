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
   * Where the sandbox takes PATH and LANG from (default `process.env`). The directory of
   * patchbay's own Node (`dirname(process.execPath)`) is always put first on that PATH.
   */
  inherit?: Readonly<Record<string, string | undefined>>;
  /** npm's package cache shared by this machine's checks (downloads once, integrity-checked). */
  packageCache?: string;
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
};
