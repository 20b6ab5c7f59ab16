/**
 * The coder's `code.patch` task: on a new branch from `base`, the coding agent
 * (infra/llm/agent.ts) changes the repository as instructed, the repository's tests run, and
 * what the agent changed becomes one commit with patchbay's identity and the task's key
 * (`Patchbay-Task:`), pushed to the branch. The transcript is kept in the `artifacts` store
 * whatever the end. A run stopped (AGENT_LOOP, BUDGET_EXCEEDED), failing tests
 * (TESTS_FAILED) or a change of nothing (NO_CHANGES) commits and pushes nothing. A redelivered
 * task whose commit is already on the branch returns the result it stored.
 */
import type { SimpleGit } from "simple-git";
import type { Workspaces } from "../../infra/git/index.ts";
import { pushBranch } from "../../infra/git/index.ts";
import type { AgentResult, RemainingBudget, Transcript } from "../../infra/llm/agent.ts";
import type { ModelClient } from "../../infra/llm/client.ts";
import { transcriptName, type ArtifactStore } from "../../infra/nats/artifacts.ts";
import { implement, type TaskBinding } from "../../infra/nats/actor-host.ts";
import type { SandboxOptions, SandboxResult } from "../../infra/sandbox/index.ts";
import { CodePatchTasks, PatchOutput, type PatchTaskInput } from "../../protocol/code-patch.ts";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import { INSTALL_BUDGET_MS } from "../../protocol/quality-gate.ts";
import { prepareTree, type Tree } from "../checker/index.ts";
import { keepTranscript, runCoderAgent } from "./coder-agent.ts";
import { runArgv, runTests, stageAgentChanges, testCommandOf, untrackedFiles } from "./patch-tree.ts";

/** What a patch task needs from the world. */
export interface PatchPorts {
  workspaces: Workspaces;
  run(opts: SandboxOptions): Promise<SandboxResult>;
  now(): number;
  log(line: string): void;
  /** The coder's model; undefined when none is configured (the task fails MODEL_NOT_CONFIGURED). */
  model?: ModelClient;
  /** Clears the API key from text before it is stored. */
  redact(text: string): string;
  artifacts: ArtifactStore;
  inherit?: Readonly<Record<string, string | undefined>>;
  packageCache?: string;
}

/** What a patch task needs of its task context. */
export interface PatchTask {
  signal: AbortSignal;
  idempotencyKey: string;
  assertCurrent(): Promise<void>;
  budget?: RemainingBudget;
  /** Where its transcript is stored. */
  transcriptName: string;
  /** Budget of the repository's commands (ms). */
  commandsMs: number;
}

/** Runs the agent on a worktree of `input.base` and commits what it changed to `input.branch`. */
export async function runPatch(ports: PatchPorts, input: PatchTaskInput, task: PatchTask): Promise<PatchOutput> {
  const model = modelOf(ports);
  const earlier = await storedResult(ports, task);
  const repo = await ports.workspaces.ensureClone(input.repo);
  return ports.workspaces.withWorktree(repo, { ref: input.base, branch: input.branch }, async (dir, git) => {
    const baseSha = (await git.revparse(["HEAD"])).trim();
    if (earlier !== undefined && (await branchHasCommit(git, input.branch, earlier.commit_sha))) return earlier;
    const tree = await prepareTree(
      ports,
      dir,
      baseSha,
      { installMs: INSTALL_BUDGET_MS, commandsMs: task.commandsMs },
      true,
      task.signal,
    );
    const before = await untrackedFiles(git);
    const testCommand = input.test_command ?? testCommandOf(tree);
    const agent = await agentOn(ports, model, tree, input, task, testCommand);
    await keepTranscript(ports, task, agent.transcript);
    const tests = await runTests(tree, testCommand);
    if (tests !== null && !tests.passed)
      throw new TerminalError(
        "TESTS_FAILED",
        `${tests.command} failed after the change (exit ${tests.exit_code}):\n${tests.tail.slice(-1500)}`,
      );
    const files = await stageAgentChanges(git, before);
    if (files.length === 0) throw new TerminalError("NO_CHANGES", noChangesMessage(agent.transcript, agent.answer));
    const commit = await commitAndPush(git, input, task, agent.answer);
    const output = PatchOutput.parse({
      branch: input.branch,
      base_sha: baseSha,
      commit_sha: commit,
      files_changed: files,
      tests,
      summary: agent.answer,
      steps: agent.transcript.steps.length,
      usage: agent.transcript.usage,
      transcript: task.transcriptName,
    });
    await ports.artifacts.put(resultName(task), JSON.stringify(output));
    ports.log(`patch on ${input.branch}: ${commit.slice(0, 8)}, ${files.length} files, ${output.steps} steps`);
    return output;
  });
}

/** The coder's model, or TerminalError MODEL_NOT_CONFIGURED. */
export function modelOf(ports: Pick<PatchPorts, "model">): ModelClient {
  if (ports.model === undefined)
    throw new TerminalError(
      ErrorCode.ModelNotConfigured,
      "the coder has no model: set PATCHBAY_MODEL_URL and PATCHBAY_MODEL (README, Use a real model)",
    );
  return ports.model;
}

/** Runs the agent on the tree, with its test command when it has one. */
function agentOn(
  ports: PatchPorts,
  model: ModelClient,
  tree: Tree,
  input: PatchTaskInput,
  task: PatchTask,
  testCommand: string[] | undefined,
): Promise<AgentResult> {
  const tools = {
    worktree: tree.dir,
    run: (argv: string[]) => runArgv(tree, argv),
    ...(testCommand ? { testCommand } : {}),
  };
  return runCoderAgent(ports, model, tools, { text: input.instructions, maxSteps: input.max_steps }, task);
}

/** Why nothing changed: the tool calls that were refused (a path outside the worktree…), then the answer. */
function noChangesMessage(transcript: Transcript, answer: string): string {
  const refused = transcript.steps.flatMap((s) =>
    s.calls.filter((c) => !c.ok).map((c) => `${c.name}: ${c.result.slice(0, 200)}`),
  );
  const why = refused.length > 0 ? ` (refused: ${refused.slice(0, 3).join("; ")})` : "";
  return `the agent changed nothing${why}: ${answer.slice(0, 300)}`;
}

/** Where a coder task's result is kept for its redelivery. */
export function resultName(task: Pick<PatchTask, "idempotencyKey">): string {
  return `results/${task.idempotencyKey}.json`;
}

async function storedResult(ports: PatchPorts, task: PatchTask): Promise<PatchOutput | undefined> {
  const text = await ports.artifacts.get(resultName(task));
  return text === undefined ? undefined : PatchOutput.parse(JSON.parse(text));
}

async function branchHasCommit(git: SimpleGit, branch: string, sha: string): Promise<boolean> {
  const line = await git.raw(["ls-remote", "origin", `refs/heads/${branch}`]).catch(() => "");
  return line.split(/\s/)[0] === sha;
}

async function commitAndPush(git: SimpleGit, input: PatchTaskInput, task: PatchTask, summary: string): Promise<string> {
  const subject = `patchbay: ${input.instructions.split("\n")[0]?.slice(0, 60) ?? "change"}`;
  await git.raw([
    "commit",
    "--quiet",
    "-m",
    subject,
    "-m",
    `${summary.slice(0, 2000)}\n\nPatchbay-Task: ${task.idempotencyKey}`,
  ]);
  const sha = (await git.revparse(["HEAD"])).trim();
  if (task.signal.aborted) throw new TerminalError(ErrorCode.Cancelled, "patch cancelled before its push");
  await task.assertCurrent();
  await pushBranch(git, "origin", input.branch, { from: "HEAD" });
  return sha;
}

/** The coder's `code.patch` task, bound to its contract. */
export function patchBinding(ports: PatchPorts): TaskBinding {
  return implement(CodePatchTasks.patch, (input, ctx) =>
    runPatch(ports, input, {
      signal: ctx.signal,
      idempotencyKey: ctx.idempotencyKey,
      assertCurrent: () => ctx.assertCurrent(),
      ...(ctx.task.budget ? { budget: ctx.task.budget } : {}),
      transcriptName: transcriptName(ctx.task.workflow_id, ctx.task.run, ctx.task.task_id),
      commandsMs: Math.max(60_000, (ctx.task.timeout_ms ?? 1_800_000) - INSTALL_BUDGET_MS),
    }),
  );
}
