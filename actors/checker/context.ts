/**
 * What a check gets: the request, the detected project, an {@link Exec} bound to the head's
 * worktree and the check's deadline, the tracked files, the Python tools, and a way to open
 * the base in a second worktree (performance).
 */
import type { SimpleGit } from "simple-git";
import type { CachedRepo } from "../../infra/git/index.ts";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import { INSTALL_BUDGET_MS } from "../../protocol/quality-gate.ts";
import type { Exec } from "./exec.ts";
import { createExec } from "./exec.ts";
import { installDependencies } from "./install.ts";
import type { InstallOutcome } from "./install.ts";
import type { CheckerPorts, CheckRequest } from "./ports.ts";
import { detectProject } from "./project.ts";
import type { Project } from "./project.ts";
import { probePythons } from "./python.ts";
import type { PythonInfo } from "./python.ts";
import { prepareToolchain } from "./toolchain.ts";
import type { Toolchain } from "./toolchain.ts";

/** A worktree prepared for commands. */
export interface Tree {
  dir: string;
  sha: string;
  project: Project;
  exec: Exec;
  /** The repository's Node, package manager and PATH. */
  toolchain: Toolchain;
  /** Undefined until {@link prepareTree} was asked to install. */
  install?: InstallOutcome;
}

/** Everything a check may use. */
export interface CheckContext {
  req: CheckRequest;
  ports: CheckerPorts;
  head: Tree;
  /** The PATH the repo's commands see. */
  searchPath: string;
  /** Tracked files of the head (paths relative to its root). */
  files(): Promise<string[]>;
  /** Every python3 on the machine and its modules (probed once per check). */
  pythons(): Promise<PythonInfo[]>;
  /** Runs `fn` on a worktree of the base (dependencies installed), against the same deadline. */
  withBase<T>(fn: (base: Tree) => Promise<T>): Promise<T>;
}

/** Checks out `sha` (detached) unless HEAD is already there. */
export async function checkoutSha(git: SimpleGit, sha: string | undefined, what: string): Promise<string> {
  const head = (await git.revparse(["HEAD"])).trim();
  if (sha === undefined || head === sha) return head;
  try {
    await git.raw(["checkout", "--quiet", "--detach", sha]);
  } catch (err) {
    throw new TerminalError(
      ErrorCode.GitFailed,
      `${what} commit ${sha} cannot be checked out: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  return sha;
}

/**
 * How long a tree's commands may take. Installing dependencies has its own budget; the
 * commands' budget starts when the install is done (`commandsMs`), or ends at a fixed time
 * (`commandsBy`: a base tree shares its head's). A check's own timeout is never eaten by
 * waiting in a queue or by installing.
 */
export interface TreeBudget {
  installMs: number;
  commandsMs?: number;
  commandsBy?: number;
}

/**
 * Detects the project in `dir` and its toolchain, installs dependencies when asked, and binds
 * an Exec to the commands' budget.
 */
export async function prepareTree(
  ports: Pick<CheckerPorts, "now" | "run" | "inherit" | "packageCache" | "toolCache">,
  dir: string,
  sha: string,
  budget: TreeBudget,
  install: boolean,
  signal?: AbortSignal,
): Promise<Tree> {
  const inherit = ports.inherit ?? process.env;
  const project = await detectProject(dir);
  const toolchain = await prepareToolchain(dir, project.kind === "node", {
    inherit,
    ...(ports.packageCache ? { packageCache: ports.packageCache } : {}),
    ...(ports.toolCache ? { toolCache: ports.toolCache } : {}),
  });
  const execBy = (deadline: number) =>
    createExec({
      dir,
      deadline,
      now: ports.now,
      run: ports.run,
      inherit,
      searchPath: toolchain.path,
      env: toolchain.env,
      readOnly: toolchain.readOnly,
      ...(ports.packageCache ? { packageCache: ports.packageCache } : {}),
      ...(signal ? { signal } : {}),
    });
  const installed = install
    ? await installDependencies(execBy(ports.now() + budget.installMs), project, toolchain)
    : undefined;
  const commandsBy = budget.commandsBy ?? ports.now() + (budget.commandsMs ?? 0);
  return { dir, sha, project, toolchain, exec: execBy(commandsBy), ...(installed ? { install: installed } : {}) };
}

/** Lists tracked files. */
async function trackedFiles(git: SimpleGit): Promise<string[]> {
  return (await git.raw(["ls-files", "-z"])).split("\0").filter(Boolean);
}

/** Builds the context of one check on a prepared head. */
export function createContext(
  ports: CheckerPorts,
  req: CheckRequest,
  head: Tree,
  git: SimpleGit,
  repo: CachedRepo,
  deadline: number,
): CheckContext {
  let pythons: Promise<PythonInfo[]> | undefined;
  let files: Promise<string[]> | undefined;
  const searchPath = head.toolchain.path;
  return {
    req,
    ports,
    head,
    searchPath,
    files: () => (files ??= trackedFiles(git)),
    pythons: () => (pythons ??= probePythons(head.exec, searchPath)),
    withBase: (fn) =>
      ports.workspaces.withWorktree(repo, { ref: req.target.base }, async (dir, baseGit) => {
        const sha = await checkoutSha(baseGit, req.target.base_sha, "base");
        return fn(
          await prepareTree(ports, dir, sha, { installMs: INSTALL_BUDGET_MS, commandsBy: deadline }, true, req.signal),
        );
      }),
  };
}
