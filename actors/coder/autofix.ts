/**
 * The coder's `gate.autofix` task: on a worktree of the commit the checks ran on, the fix of the
 * repository's own linter (its eslint config's `--fix`, biome's safe fixes, xo/standard `--fix`,
 * its `lint:fix` script; nothing with patchbay's default config) and the repo's prettier
 * (`--write`, when the repo depends on prettier), then one commit of the tracked files
 * that changed, with patchbay's identity and the task's key (`Patchbay-Task:`), pushed to the
 * branch only if it is still at that commit. Nothing changed: no commit, `applied: false`. A
 * redelivered task whose commit is already on the branch returns that commit instead of fixing
 * again, so the effect happens once however often the task runs.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import type { SimpleGit } from "simple-git";
import { pushBranch } from "../../infra/git/index.ts";
import type { Workspaces } from "../../infra/git/index.ts";
import { implement, type TaskBinding } from "../../infra/nats/actor-host.ts";
import type { SandboxOptions, SandboxResult } from "../../infra/sandbox/index.ts";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import { AutofixOutput, GateTasks, INSTALL_BUDGET_MS, type AutofixInput } from "../../protocol/quality-gate.ts";
import { fixWithRepoLinter, prepareTree } from "../checker/index.ts";
import type { Tree } from "../checker/index.ts";

/** Subject of the auto-fix commit. */
export const AUTOFIX_MESSAGE = "patchbay: auto-fix lint and formatting";

/** What auto-fix needs from the world. */
export interface AutofixPorts {
  /** Workspaces whose identity is patchbay's (every commit carries it). */
  workspaces: Workspaces;
  /** Runs a repository's own command (the sandbox). */
  run(opts: SandboxOptions): Promise<SandboxResult>;
  now(): number;
  log(line: string): void;
  /**
   * The user's environment (default `process.env`): the sandbox passes its allow-listed
   * variables on, and the repository's Node is looked for on its PATH (never patchbay's own).
   */
  inherit?: Readonly<Record<string, string | undefined>>;
  /** npm's package cache shared by this machine's commands. */
  packageCache?: string;
}

/** What auto-fix needs of its task: cancellation, the fence, and the key its commit carries. */
export interface AutofixTask {
  signal: AbortSignal;
  idempotencyKey: string;
  assertCurrent(): Promise<void>;
}

const standalone: AutofixTask = {
  signal: new AbortController().signal,
  idempotencyKey: "standalone",
  assertCurrent: async () => undefined,
};

/**
 * Runs the fixers on the commit the checks ran on (`target.head_sha`) and pushes one commit on
 * top of it, only while the branch is still there: a branch that moved since is BRANCH_MOVED
 * and nothing is pushed over it. A cancelled or taken-over task pushes nothing.
 */
export async function runAutofix(
  ports: AutofixPorts,
  input: AutofixInput,
  task: AutofixTask = standalone,
): Promise<AutofixOutput> {
  const { target } = input;
  const repo = await ports.workspaces.ensureClone(target.repo);
  return ports.workspaces.withWorktree(repo, { ref: target.branch }, async (dir, git) => {
    const tip = (await git.revparse(["HEAD"])).trim();
    const earlier = await earlierAutofix(git, tip, target.head_sha);
    if (earlier !== undefined) return earlier;
    if (tip !== target.head_sha) throw branchMoved(target.branch, target.head_sha, tip);
    const tree = await prepareTree(
      ports,
      dir,
      tip,
      { installMs: INSTALL_BUDGET_MS, commandsMs: input.timeout_ms },
      true,
      task.signal,
    );
    const fixes = await applyFixers(tree);
    const files = (await git.raw(["diff", "--name-only"])).split("\n").filter(Boolean);
    if (files.length === 0)
      return AutofixOutput.parse({ applied: false, fixed: fixes.fixed, files: [], tools: fixes.tools });
    throwIfCancelled(task.signal);
    await git.raw(["add", "-u"]);
    const body = `fixed: ${fixes.fixed}\ntools: ${fixes.tools.join(", ")}\n\nPatchbay-Task: ${task.idempotencyKey}`;
    await git.raw(["commit", "--quiet", "-m", AUTOFIX_MESSAGE, "-m", body]);
    const sha = (await git.revparse(["HEAD"])).trim();
    throwIfCancelled(task.signal);
    await task.assertCurrent();
    const pushed = await pushOnto(git, target.branch, target.head_sha);
    if (pushed !== true) return pushed;
    ports.log(
      `auto-fix on ${target.branch}: ${sha.slice(0, 8)}, ${fixes.fixed} fixed in ${files.length} files (${fixes.tools.join(", ")})`,
    );
    return AutofixOutput.parse({ applied: true, commit_sha: sha, fixed: fixes.fixed, files, tools: fixes.tools });
  });
}

/** Pushes HEAD onto `branch` if it is still at `base`; after a refusal, the fix another delivery pushed, if any. */
async function pushOnto(git: SimpleGit, branch: string, base: string): Promise<true | AutofixOutput> {
  try {
    await pushBranch(git, "origin", branch, { expect: base, from: "HEAD" });
    return true;
  } catch (err) {
    const tip = await remoteTip(git, branch);
    if (tip === undefined || tip === base) throw err;
    const earlier = await earlierAutofix(git, tip, base);
    if (earlier) return earlier;
    throw branchMoved(branch, base, tip);
  }
}

async function remoteTip(git: SimpleGit, branch: string): Promise<string | undefined> {
  const line = await git.raw(["ls-remote", "origin", `refs/heads/${branch}`]).catch(() => "");
  const sha = line.split(/\s/)[0];
  if (!sha) return undefined;
  await git.raw(["fetch", "--quiet", "origin", sha]).catch(() => undefined);
  return sha;
}

function branchMoved(branch: string, expected: string, found: string) {
  return new TerminalError(
    ErrorCode.BranchMoved,
    `branch ${branch} moved from ${expected.slice(0, 8)} (the commit the checks ran on) to ${found.slice(0, 8)}; nothing was pushed`,
  );
}

function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new TerminalError(ErrorCode.Cancelled, "auto-fix cancelled before its push");
}

async function applyFixers(tree: Tree): Promise<{ fixed: number; tools: string[] }> {
  if (tree.project.kind !== "node") return { fixed: 0, tools: [] };
  const lint = await fixWithRepoLinter(tree);
  const tools = lint.tool === undefined ? [] : [lint.tool];
  const prettier = "node_modules/.bin/prettier";
  if (
    tree.project.prettier &&
    (await stat(join(tree.dir, prettier)).then(
      () => true,
      () => false,
    ))
  ) {
    const result = await tree.exec.run(prettier, ["--write", "--log-level=warn", "."]);
    if (result.exitCode === 0) tools.push("prettier --write");
  }
  return { fixed: lint.fixed, tools };
}

/** The auto-fix commit of an earlier delivery of this task, if it is the branch's head. */
async function earlierAutofix(git: SimpleGit, head: string, headSha: string): Promise<AutofixOutput | undefined> {
  if (head === headSha) return undefined;
  const [subject, parents, body] = (await git.raw(["log", "-1", "--format=%s%x00%P%x00%b", head])).split("\0");
  if (subject !== AUTOFIX_MESSAGE || parents.trim() !== headSha) return undefined;
  const files = (await git.raw(["diff", "--name-only", headSha, head])).split("\n").filter(Boolean);
  const fixed = Number(/^fixed: (\d+)$/m.exec(body ?? "")?.[1] ?? 0);
  const tools = (/^tools: (.*)$/m.exec(body ?? "")?.[1] ?? "").split(", ").filter(Boolean);
  return AutofixOutput.parse({ applied: true, commit_sha: head, fixed, files, tools });
}

/** The coder's `gate.autofix` task, bound to its contract. */
export function autofixBinding(ports: AutofixPorts): TaskBinding {
  return implement(GateTasks.autofix, (input, ctx) => runAutofix(ports, input, ctx));
}
