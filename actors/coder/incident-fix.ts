/**
 * The coder's `incident.fix` task: on a new branch from `base`, the remediation the catalogue
 * gives for the consensus's cause category (remediation/): the settings changed in place in
 * every configuration file that sets them, an alert rule beside the repository's Prometheus
 * rules, and a runbook section; one commit with patchbay's identity and the task's key
 * (`Patchbay-Task:`), pushed to the branch. A redelivered task whose commit is already on the
 * branch plans the fix again on that commit's parent (the plan is a function of the input and
 * the files) and returns the same output without committing again. When the catalogue has no
 * remediation and the coder has a model, the coding agent writes the fix
 * (incident-written-fix.ts) and the alert rule and runbook are added around it
 * (remediation/written-plan.ts); that output, stored before the push, is a redelivery's.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { SimpleGit } from "simple-git";
import { pushBranch, type Workspaces } from "../../infra/git/index.ts";
import type { RemainingBudget } from "../../infra/llm/agent.ts";
import { transcriptName } from "../../infra/nats/artifacts.ts";
import { implement, type TaskBinding } from "../../infra/nats/actor-host.ts";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import { FixOutput, IncidentTasks, type FixInput } from "../../protocol/incident-swarm.ts";
import type { Usage } from "../../protocol/usage.ts";
import { writeFix, type FixAgent } from "./incident-written-fix.ts";
import { mayHoldRules } from "./remediation/alert-rule.ts";
import { isConfigFile } from "./remediation/config-files.ts";
import { NO_REMEDIATION, planFix, type FixPlan, type RepoFiles } from "./remediation/plan.ts";
import { planWritten } from "./remediation/written-plan.ts";

/** What the fix task needs from the world. */
export interface FixPorts {
  /** Workspaces whose identity is patchbay's (every commit carries it). */
  workspaces: Workspaces;
  log(line: string): void;
  /** The coder's model and artifacts, for fixes beyond the catalogue; without them NO_REMEDIATION stands. */
  agent?: FixAgent;
}

/** What the fix needs of its task: cancellation, the fence, the key its commit carries; for the agent its budget and transcript. */
export interface FixTask {
  signal: AbortSignal;
  idempotencyKey: string;
  assertCurrent(): Promise<void>;
  budget?: RemainingBudget;
  /** Where a written fix's transcript is stored. */
  transcriptName: string;
}

/** A planned fix; with the agent's usage and transcript when the model wrote it. */
interface Planned {
  plan: FixPlan;
  written?: { usage: Usage; transcript: string };
}

const MAX_FILE_BYTES = 256 * 1024;
const RUNBOOK = /^docs\/runbooks\/[^/]+\.md$/;
const resultName = (key: string) => `results/${key}.json`;

/** Plans the fix on a worktree of `input.base`, commits it to `input.branch` and pushes it. */
export async function runIncidentFix(ports: FixPorts, input: FixInput, task: FixTask): Promise<FixOutput> {
  const repo = await ports.workspaces.ensureClone(input.repo);
  return ports.workspaces.withWorktree(repo, { ref: input.base, branch: input.branch }, async (dir, git) => {
    const earlier = await earlierFix(ports, git, dir, input, task.idempotencyKey);
    if (earlier !== undefined) return earlier;
    const baseSha = (await git.revparse(["HEAD"])).trim();
    const planned = await planOrWrite(ports, input, { dir, git }, task);
    const { plan } = planned;
    for (const [file, text] of plan.texts) {
      await mkdir(dirname(join(dir, file)), { recursive: true });
      await writeFile(join(dir, file), text);
    }
    await git.raw(["add", "--", ...plan.texts.keys()]);
    const trailer = `Patchbay-Task: ${task.idempotencyKey}`;
    await git.raw(["commit", "--quiet", "-m", plan.subject, "-m", plan.body, "-m", trailer]);
    const output = outputOf(input, planned, baseSha, (await git.revparse(["HEAD"])).trim());
    if (planned.written !== undefined)
      await ports.agent?.artifacts.put(resultName(task.idempotencyKey), JSON.stringify(output));
    if (task.signal.aborted) throw new TerminalError(ErrorCode.Cancelled, "incident fix cancelled before its push");
    await task.assertCurrent();
    try {
      await pushBranch(git, "origin", input.branch, { from: "HEAD" });
    } catch (err) {
      // Another delivery of this task may have pushed its commit first: its output is this one's.
      const pushed = await earlierFix(ports, git, dir, input, task.idempotencyKey);
      if (pushed === undefined) throw err;
      return pushed;
    }
    ports.log(
      `incident fix on ${input.branch}: ${output.commit_sha.slice(0, 8)}, ${output.files_changed.length} files`,
    );
    return output;
  });
}

/** The catalogue's fix; when it has none and the coder has a model, the fix the coding agent writes. */
async function planOrWrite(
  ports: FixPorts,
  input: FixInput,
  worktree: { dir: string; git: SimpleGit },
  task: FixTask,
): Promise<Planned> {
  try {
    return { plan: planFix(input, await repoFiles(worktree.git, worktree.dir)) };
  } catch (err) {
    const noRemedy = err instanceof TerminalError && err.code === NO_REMEDIATION;
    if (!noRemedy || ports.agent === undefined) throw err;
    ports.log(`incident fix: ${err.message}; the model writes it`);
    const written = await writeFix(ports.agent, input, worktree, task, err.message);
    const files = await repoFiles(worktree.git, worktree.dir);
    const plan = { ...planWritten(input, files, written.change), agentFiles: written.change.files };
    return { plan, written: { usage: written.usage, transcript: task.transcriptName } };
  }
}

function outputOf(input: FixInput, planned: Planned, baseSha: string, commitSha: string): FixOutput {
  const { plan, written } = planned;
  return FixOutput.parse({
    branch: input.branch,
    base_sha: baseSha,
    commit_sha: commitSha,
    files_changed: [...new Set([...plan.texts.keys(), ...(plan.agentFiles ?? [])])].sort(),
    changes: plan.changes,
    monitoring: plan.monitoring,
    runbook: plan.runbook,
    summary: plan.summary,
    ...(written ?? {}),
  });
}

/** The tracked files a fix reads: configuration files, candidate rule files, runbooks. */
async function repoFiles(git: SimpleGit, dir: string): Promise<RepoFiles> {
  const tracked = (await git.raw(["ls-files", "-z"])).split("\0").filter(Boolean);
  const read = async (files: string[]) => {
    const texts = new Map<string, string>();
    for (const file of files) {
      const buf = await readFile(join(dir, file)).catch(() => undefined);
      if (buf !== undefined && buf.length <= MAX_FILE_BYTES) texts.set(file, buf.toString("utf8"));
    }
    return texts;
  };
  return {
    configs: await read(tracked.filter(isConfigFile)),
    rules: await read(tracked.filter(mayHoldRules)),
    runbooks: await read(tracked.filter((file) => RUNBOOK.test(file))),
  };
}

/**
 * The output of an earlier delivery whose commit (it carries the task's key) is on the remote
 * branch: a written fix's stored output, else the catalogue's fix planned again on that
 * commit's parent, which the worktree is moved to.
 */
async function earlierFix(
  ports: FixPorts,
  git: SimpleGit,
  dir: string,
  input: FixInput,
  key: string,
): Promise<FixOutput | undefined> {
  const line = await git.raw(["ls-remote", "origin", `refs/heads/${input.branch}`]).catch(() => "");
  const tip = line.split(/\s/)[0];
  if (!tip) return undefined;
  await git.raw(["fetch", "--quiet", "origin", tip]);
  const log = await git.raw(["log", "--first-parent", "-n", "50", "--format=%H %P%x00%B%x1e", tip]);
  const trailer = `Patchbay-Task: ${key}`;
  const entry = log
    .split("\x1e")
    .map((record) => record.trim().split("\0"))
    .find(([, body]) => body?.split("\n").some((l) => l.trim() === trailer));
  if (entry === undefined) return undefined;
  const [commitSha, parentSha] = entry[0].split(" ");
  const stored = await ports.agent?.artifacts.get(resultName(key));
  const written = stored === undefined ? undefined : FixOutput.parse(JSON.parse(stored));
  if (written?.commit_sha === commitSha) return written;
  await git.raw(["checkout", "--quiet", "--detach", parentSha]);
  return outputOf(input, { plan: planFix(input, await repoFiles(git, dir)) }, parentSha, commitSha);
}

/** The coder's `incident.fix` task, bound to its contract. */
export function fixBinding(ports: FixPorts): TaskBinding {
  return implement(IncidentTasks.fix, (input, ctx) =>
    runIncidentFix(ports, input, {
      signal: ctx.signal,
      idempotencyKey: ctx.idempotencyKey,
      assertCurrent: () => ctx.assertCurrent(),
      ...(ctx.task.budget ? { budget: ctx.task.budget } : {}),
      transcriptName: transcriptName(ctx.task.workflow_id, ctx.task.run, ctx.task.task_id),
    }),
  );
}
