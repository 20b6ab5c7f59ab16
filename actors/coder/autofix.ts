/**
 * The coder's `gate.autofix` task: on a worktree of the branch, `eslint --fix` (the repo's
 * eslint and config, else patchbay's with its default config) and the repo's prettier
 * (`--write`, when the repo depends on prettier), then one commit of the tracked files that
 * changed, with patchbay's identity, pushed to the branch on the origin. Nothing changed:
 * no commit, `applied: false`. A redelivered task whose commit is already on the branch
 * returns that commit instead of fixing again.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import type { SimpleGit } from "simple-git";
import { pushBranch } from "../../infra/git/index.ts";
import type { Workspaces } from "../../infra/git/index.ts";
import { implement, type TaskBinding } from "../../infra/nats/actor-host.ts";
import type { SandboxOptions, SandboxResult } from "../../infra/sandbox/index.ts";
import { AutofixOutput, GateTasks, type AutofixInput } from "../../protocol/quality-gate.ts";
import { eslintPlan, prepareTree, runEslint } from "../checker/index.ts";
import type { EslintRun, Tree } from "../checker/index.ts";

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
  /** Where the sandbox takes PATH and LANG from (default `process.env`); patchbay's Node goes first. */
  inherit?: Readonly<Record<string, string | undefined>>;
  /** npm's package cache shared by this machine's commands. */
  packageCache?: string;
}

/** Runs the fixers on the branch and commits what they changed. */
export async function runAutofix(ports: AutofixPorts, input: AutofixInput): Promise<AutofixOutput> {
  const { target } = input;
  const deadline = ports.now() + input.timeout_ms;
  const repo = await ports.workspaces.ensureClone(target.repo);
  return ports.workspaces.withWorktree(repo, { ref: target.branch, branch: target.branch }, async (dir, git) => {
    const head = (await git.revparse(["HEAD"])).trim();
    const earlier = await earlierAutofix(git, head, target.head_sha);
    if (earlier !== undefined) return earlier;
    const tree = await prepareTree(ports, dir, head, deadline, true);
    const fixes = await applyFixers(tree);
    const files = (await git.raw(["diff", "--name-only"])).split("\n").filter(Boolean);
    if (files.length === 0)
      return AutofixOutput.parse({ applied: false, fixed: fixes.fixed, files: [], tools: fixes.tools });
    await git.raw(["add", "-u"]);
    await git.raw([
      "commit",
      "--quiet",
      "-m",
      AUTOFIX_MESSAGE,
      "-m",
      `fixed: ${fixes.fixed}\ntools: ${fixes.tools.join(", ")}`,
    ]);
    const sha = (await git.revparse(["HEAD"])).trim();
    await pushBranch(git, "origin", target.branch);
    ports.log(
      `auto-fix on ${target.branch}: ${sha.slice(0, 8)}, ${fixes.fixed} fixed in ${files.length} files (${fixes.tools.join(", ")})`,
    );
    return AutofixOutput.parse({ applied: true, commit_sha: sha, fixed: fixes.fixed, files, tools: fixes.tools });
  });
}

function problems(run: EslintRun): number {
  return run.counts === undefined ? 0 : run.counts.errors + run.counts.warnings;
}

async function applyFixers(tree: Tree): Promise<{ fixed: number; tools: string[] }> {
  if (tree.project.kind !== "node") return { fixed: 0, tools: [] };
  const tools: string[] = [];
  let fixed = 0;
  const plan = await eslintPlan(tree);
  if (!("missing" in plan)) {
    const before = await runEslint(tree, plan, false);
    const after = await runEslint(tree, plan, true);
    if (after.counts !== undefined) {
      fixed = Math.max(0, problems(before) - problems(after));
      tools.push("eslint --fix");
    }
  }
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
  return { fixed, tools };
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
  return implement(GateTasks.autofix, (input) => runAutofix(ports, input));
}
