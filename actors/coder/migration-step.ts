/**
 * The coder's `migration.step` task: the step's codemods run in order over every tracked file
 * they match, on a worktree at `parent_sha`; the result is one commit
 * `migration(<step>): <title>` on the migration branch, pushed. A redelivered task whose
 * commit is already on the branch runs the codemods again on that commit's parent (they are
 * deterministic) to report the same output, and commits nothing: no step is applied twice.
 * With a model, the leftovers go to the coding agent after the codemods
 * (migration-leftovers.ts), its edits into the same commit; that output is stored before the
 * push and a redelivery answers it without asking the model again.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { SimpleGit } from "simple-git";
import type { CodemodRegistry } from "../../infra/codemods/registry.ts";
import { pushBranch, type Workspaces } from "../../infra/git/index.ts";
import { StepOutput, type ApiUse, type StepInput } from "../../protocol/code-migration.ts";
import { ErrorCode, TerminalError, ensureError } from "../../protocol/errors.ts";
import type { FixAgent } from "./incident-written-fix.ts";
import { changedFiles, commitOfTask, fetchBranch, taskTrailer } from "./migration-branch.ts";
import { migrateLeftovers, type LeftoverTask, type ModelPass } from "./migration-leftovers.ts";
import { resultName } from "./patch.ts";

/** What a migration step needs from the world. */
export interface MigrationPorts {
  /** Workspaces whose identity is patchbay's. */
  workspaces: Workspaces;
  codemods: CodemodRegistry;
  log(line: string): void;
  /** The coder's model and artifacts, for the leftovers; without them the leftovers are only listed. */
  agent?: FixAgent;
}

/** What a step or a revert needs of its task: cancellation, the fence, and the key its commit carries. */
export interface BranchTask {
  signal: AbortSignal;
  idempotencyKey: string;
  assertCurrent(): Promise<void>;
}

/** What a step needs of its task: a revert's, and for the model its budget and transcript. */
export interface StepTask extends BranchTask, LeftoverTask {}

/** What the codemods did to the worktree. */
interface Applied {
  changes: Record<string, number>;
  leftovers: ApiUse[];
}

const MAX_FILE_BYTES = 2 * 1024 * 1024;

async function applyCodemod(dir: string, files: readonly string[], ports: MigrationPorts, id: string, into: Applied) {
  const codemod = ports.codemods.get(id);
  if (codemod === undefined) throw new TerminalError(ErrorCode.InvalidPlan, `unknown codemod ${id}`);
  into.changes[id] = 0;
  for (const file of files.filter((f) => codemod.matches(f))) {
    const buf = await readFile(join(dir, file)).catch(() => undefined);
    if (buf === undefined || buf.length > MAX_FILE_BYTES) continue;
    const source = buf.toString("utf8");
    try {
      const outcome = await codemod.apply(source, file);
      if (outcome.source !== source) await writeFile(join(dir, file), outcome.source);
      into.changes[id] += outcome.changes;
      into.leftovers.push(...outcome.leftovers);
    } catch (err) {
      const e = ensureError(err);
      throw new TerminalError(ErrorCode.CodemodFailed, `${id} failed on ${file}: ${e.message}`, { cause: err });
    }
  }
}

/** Runs the step's codemods over the worktree's tracked files. */
async function applyStep(dir: string, git: SimpleGit, ports: MigrationPorts, input: StepInput): Promise<Applied> {
  const applied: Applied = { changes: {}, leftovers: [] };
  for (const id of input.step.codemods) {
    const files = (await git.raw(["ls-files", "-z"])).split("\0").filter(Boolean);
    await applyCodemod(dir, files, ports, id, applied);
  }
  return applied;
}

function outputOf(
  input: StepInput,
  applied: Applied,
  parent: string,
  sha: string,
  files: string[],
  pass?: ModelPass & { transcript: string },
): StepOutput {
  return StepOutput.parse({
    step_id: input.step.id,
    commit_sha: sha,
    parent_sha: parent,
    files_changed: files,
    changes: applied.changes,
    leftovers: applied.leftovers,
    empty: files.length === 0,
    ...(pass ? { handed_to_model: true, model_files: pass.files, usage: pass.usage, transcript: pass.transcript } : {}),
  });
}

function commitMessage(input: StepInput, applied: Applied, key: string, pass?: ModelPass): string[] {
  const counts = Object.entries(applied.changes).map(([id, n]) => `${id}: ${n} change(s)`);
  const left = `${applied.leftovers.length} leftover(s)${pass ? `, handed to the model (${pass.files.length} file(s) changed)` : ""}.`;
  return [
    "-m",
    `migration(${input.step.id}): ${input.step.title}`,
    "-m",
    [`Step ${input.index} of ${input.total}.`, ...counts, left].join("\n"),
    "-m",
    taskTrailer(key),
  ];
}

/** The output an earlier delivery stored (a step the model worked on), if any. */
async function storedOutput(ports: MigrationPorts, task: StepTask): Promise<StepOutput | undefined> {
  const text = await ports.agent?.artifacts.get(resultName(task));
  return text === undefined ? undefined : StepOutput.parse(JSON.parse(text));
}

/** The leftovers to the model when the coder has one and the codemods left some. */
async function modelPass(
  ports: MigrationPorts,
  input: StepInput,
  applied: Applied,
  worktree: { dir: string; git: SimpleGit },
  task: StepTask,
): Promise<(ModelPass & { transcript: string }) | undefined> {
  if (ports.agent === undefined || applied.leftovers.length === 0) return undefined;
  const pass = await migrateLeftovers(ports.agent, input, applied.leftovers, worktree, task);
  return { ...pass, transcript: task.transcriptName };
}

/** Applies one step as one commit on `input.branch`, or reports the commit an earlier delivery made. */
export async function runMigrationStep(ports: MigrationPorts, input: StepInput, task: StepTask): Promise<StepOutput> {
  const repo = await ports.workspaces.ensureClone(input.repo);
  return ports.workspaces.withWorktree(repo, { ref: input.base }, async (dir, git) => {
    const tip = await fetchBranch(git, input.branch);
    const earlier = await commitOfTask(git, tip, task.idempotencyKey);
    const stored = earlier === undefined ? undefined : await storedOutput(ports, task);
    if (stored !== undefined && stored.commit_sha === earlier?.sha) return stored;
    await git.raw(["checkout", "--quiet", "--detach", earlier?.parent ?? input.parent_sha]);
    const applied = await applyStep(dir, git, ports, input);
    if (earlier !== undefined) {
      await git.raw(["checkout", "--quiet", "--force", earlier.sha]);
      const files = await changedFiles(git, earlier.parent, earlier.sha);
      return outputOf(input, applied, earlier.parent, earlier.sha, files);
    }
    const pass = await modelPass(ports, input, applied, { dir, git }, task);
    await git.raw(["add", "--all"]);
    await git.raw(["commit", "--quiet", "--allow-empty", ...commitMessage(input, applied, task.idempotencyKey, pass)]);
    const sha = (await git.revparse(["HEAD"])).trim();
    const output = outputOf(
      input,
      applied,
      input.parent_sha,
      sha,
      await changedFiles(git, input.parent_sha, sha),
      pass,
    );
    if (pass !== undefined) await ports.agent?.artifacts.put(resultName(task), JSON.stringify(output));
    if (task.signal.aborted) throw new TerminalError(ErrorCode.Cancelled, "migration step cancelled before its push");
    await task.assertCurrent();
    await pushBranch(git, "origin", input.branch, { from: "HEAD" });
    ports.log(
      `migration(${input.step.id}) on ${input.branch}: ${sha.slice(0, 8)}, ${output.files_changed.length} file(s)`,
    );
    return output;
  });
}
