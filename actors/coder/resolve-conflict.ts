/**
 * The coder's `plan.resolve-conflict`: the merge of a task branch into the feature branch that
 * `plan.integrate` found conflicting is redone in a worktree and left conflicted; the coding
 * agent (infra/llm/agent.ts) edits the files as instructed with the requirement, the issue and
 * the hunks; a file still holding a conflict marker fails the task (MERGE_CONFLICT, naming the
 * files), else the merge is committed with the task's key (`Patchbay-Task:`) and the feature
 * branch pushed with a lease on the tip the merge went on. The transcript is kept whatever the
 * end. A redelivered task whose merge is on the feature branch answers the result it stored.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { SimpleGit } from "simple-git";
import {
  checkoutStart,
  changedFiles,
  earlierMerge,
  hasConflictMarkers,
  mergeMessage,
  mergeTask,
  pushFeature,
  unmergedFiles,
  type ConflictedFile,
  type MergeStart,
} from "../../infra/git/index.ts";
import type { AgentResult } from "../../infra/llm/agent.ts";
import type { ModelClient } from "../../infra/llm/client.ts";
import { implement, type TaskBinding } from "../../infra/nats/actor-host.ts";
import { transcriptName } from "../../infra/nats/artifacts.ts";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import { PlanPatchTasks, ResolveConflictOutput, type ResolveConflictInput } from "../../protocol/plan-patch-pr.ts";
import { NO_USAGE, type Usage } from "../../protocol/usage.ts";
import { keepTranscript, runCoderAgent } from "./coder-agent.ts";
import { modelOf, resultName, type PatchPorts, type PatchTask } from "./patch.ts";
import { stageAgentChanges, untrackedFiles } from "./patch-tree.ts";

/** What the resolution needs of its task (a patch task's, less the commands' budget). */
export type ResolveTask = Omit<PatchTask, "commandsMs">;

/** How long one command the agent runs may take (ms), and how much of its output is kept. */
const COMMAND_MS = 300_000;
const COMMAND_OUTPUT_BYTES = 64 * 1024;

/** Redoes the merge, has the agent resolve it, commits and pushes the feature branch. */
export async function runResolveConflict(
  ports: PatchPorts,
  input: ResolveConflictInput,
  task: ResolveTask,
): Promise<ResolveConflictOutput> {
  const model = modelOf(ports);
  const stored = await ports.artifacts.get(resultName(task));
  const repo = await ports.workspaces.ensureClone(input.repo);
  return ports.workspaces.withWorktree(repo, { ref: input.base }, async (dir, git) => {
    const earlier = await earlierMerge(git, input, task.idempotencyKey);
    if (earlier !== undefined)
      return stored === undefined
        ? outputOf(earlier.sha, earlier.files, NO_USAGE, task)
        : ResolveConflictOutput.parse(JSON.parse(stored));
    const start = await checkoutStart(git, input);
    const message = mergeMessage(input, task.idempotencyKey, "Conflicts resolved by patchbay's coder.");
    const merge = await mergeTask(git, dir, input, message);
    if (merge.status === "merged") return pushAndAnswer(ports, git, input, task, start, NO_USAGE);
    const before = await untrackedFiles(git);
    const agent = await agentOn(ports, model, dir, input, merge.files, task);
    await keepTranscript(ports, task, agent.transcript);
    await assertResolved(dir, merge.files, task.transcriptName);
    await stageAgentChanges(git, before);
    const left = await unmergedFiles(git);
    if (left.length > 0)
      throw new TerminalError(ErrorCode.MergeConflict, `the merge still has unmerged files: ${left.join(", ")}`);
    await git.raw(["commit", "--quiet", ...message.flatMap((p) => ["-m", p])]);
    return pushAndAnswer(ports, git, input, task, start, agent.transcript.usage);
  });
}

/** The agent on the conflicted worktree, its commands in the sandbox. */
function agentOn(
  ports: PatchPorts,
  model: ModelClient,
  dir: string,
  input: ResolveConflictInput,
  files: readonly ConflictedFile[],
  task: ResolveTask,
): Promise<AgentResult> {
  const run = async (argv: string[], signal?: AbortSignal) => {
    const [cmd = "", ...args] = argv;
    const result = await ports.run({
      cmd,
      args,
      cwd: dir,
      timeoutMs: COMMAND_MS,
      maxOutputBytes: COMMAND_OUTPUT_BYTES,
      ...(ports.inherit ? { inherit: ports.inherit } : {}),
      ...(signal ? { signal } : {}),
    });
    return { exitCode: result.exitCode, output: `${result.stdoutTail}${result.stderrTail}`, timedOut: result.timedOut };
  };
  const request = { text: instructionsOf(input, files), maxSteps: input.max_steps };
  return runCoderAgent(ports, model, { worktree: dir, run }, request, task);
}

/** The task the agent is given: the requirement, the issue, and each file's conflict regions. */
function instructionsOf(input: ResolveConflictInput, files: readonly ConflictedFile[]): string {
  const hunks = files.map((file) => `### ${file.path}\n${file.hunks}`).join("\n\n");
  return [
    `Resolve the merge conflict of issue ${input.issue_id} (branch ${input.task_branch}) into ${input.feature_branch}.`,
    `The requirement of the whole change:\n${input.requirement}`,
    `git stopped the merge in these files; between <<<<<<< and ======= is the feature branch's side, between ======= and >>>>>>> the issue's:\n\n${hunks}`,
    "Edit each of these files so that it keeps what both sides meant and no conflict marker line (<<<<<<<, =======, >>>>>>>) is left. Change nothing else.",
  ].join("\n\n");
}

/** TerminalError MERGE_CONFLICT naming the files that still hold a conflict marker. */
async function assertResolved(dir: string, files: readonly ConflictedFile[], transcript: string): Promise<void> {
  const marked: string[] = [];
  for (const file of files) {
    const text = await readFile(join(dir, file.path), "utf8").catch(() => "");
    if (hasConflictMarkers(text)) marked.push(file.path);
  }
  if (marked.length > 0)
    throw new TerminalError(
      ErrorCode.MergeConflict,
      `the agent left conflict markers in ${marked.join(", ")}; nothing was pushed (transcript: ${transcript})`,
    );
}

/** Pushes the merge (an earlier delivery's push answers that one) and stores the result. */
async function pushAndAnswer(
  ports: PatchPorts,
  git: SimpleGit,
  input: ResolveConflictInput,
  task: ResolveTask,
  start: MergeStart,
  usage: Usage,
): Promise<ResolveConflictOutput> {
  const sha = (await git.revparse(["HEAD"])).trim();
  if (task.signal.aborted)
    throw new TerminalError(ErrorCode.Cancelled, "conflict resolution cancelled before its push");
  await task.assertCurrent();
  try {
    await pushFeature(git, input, start);
  } catch (err) {
    const earlier = await earlierMerge(git, input, task.idempotencyKey);
    if (earlier === undefined) throw err;
    return outputOf(earlier.sha, earlier.files, usage, task);
  }
  const output = outputOf(sha, await changedFiles(git, start.start, sha), usage, task);
  await ports.artifacts.put(resultName(task), JSON.stringify(output));
  ports.log(`conflict of ${input.task_branch} resolved on ${input.feature_branch}: ${sha.slice(0, 8)}`);
  return output;
}

function outputOf(sha: string, files: string[], usage: Usage, task: ResolveTask): ResolveConflictOutput {
  return { feature_sha: sha, files, usage, transcript: task.transcriptName };
}

/** The coder's `plan.resolve-conflict`, bound to its contract. */
export function resolveConflictBinding(ports: PatchPorts): TaskBinding {
  return implement(PlanPatchTasks.resolve, (input, ctx) =>
    runResolveConflict(ports, input, {
      signal: ctx.signal,
      idempotencyKey: ctx.idempotencyKey,
      assertCurrent: () => ctx.assertCurrent(),
      ...(ctx.task.budget ? { budget: ctx.task.budget } : {}),
      transcriptName: transcriptName(ctx.task.workflow_id, ctx.task.run, ctx.task.task_id),
    }),
  );
}
