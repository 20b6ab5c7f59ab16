/**
 * A migration step's leftovers handed to the model (docs/migration.md, "Leftovers"): when the
 * coder has a model and the step's codemods listed uses they could not migrate, the coding
 * agent (infra/llm/agent.ts) edits the step's worktree after the codemods, instructed with
 * each leftover (`file:line api: message`) and the step's title, to migrate those uses only.
 * Its edits are staged for the step's one commit. It runs no commands: the workflow validates
 * the step afterwards. The transcript is kept in the `artifacts` store whatever the end; a
 * stopped run (AGENT_LOOP, BUDGET_EXCEEDED, a model error) fails the step with the stop's code.
 */
import type { SimpleGit } from "simple-git";
import type { RunCommand } from "../../infra/llm/agent/tools.ts";
import type { ApiUse, StepInput } from "../../protocol/code-migration.ts";
import type { Usage } from "../../protocol/usage.ts";
import type { FixAgent } from "./incident-written-fix.ts";
import { keepTranscript, runCoderAgent, type AgentTask } from "./coder-agent.ts";
import { untrackedFiles } from "./patch-tree.ts";

/** What the agent's run needs of its task. */
export type LeftoverTask = AgentTask;

/** What the model did: the files it changed (staged) and what its requests cost. */
export interface ModelPass {
  files: string[];
  usage: Usage;
}

const MAX_STEPS = 30;
const NO_COMMANDS = "migration steps run no commands: the workflow validates the step after it";
const noCommands: RunCommand = () => Promise.resolve({ exitCode: null, output: NO_COMMANDS, timedOut: false });

/** Stages the codemods' changes, runs the agent on `dir`, and stages what it changed apart. */
export async function migrateLeftovers(
  agent: FixAgent,
  input: StepInput,
  leftovers: readonly ApiUse[],
  worktree: { dir: string; git: SimpleGit },
  task: LeftoverTask,
): Promise<ModelPass> {
  const { git } = worktree;
  await git.raw(["add", "--all"]);
  const request = { text: leftoverInstructions(input, leftovers), maxSteps: MAX_STEPS };
  const result = await runCoderAgent(agent, agent.model, { worktree: worktree.dir, run: noCommands }, request, task);
  await keepTranscript(agent, task, result.transcript);
  return { files: await stageModelChanges(git), usage: result.transcript.usage };
}

/** The files changed since the codemods' changes were staged (edited, deleted or created), then staged. */
async function stageModelChanges(git: SimpleGit): Promise<string[]> {
  const edited = (await git.raw(["diff", "--name-only", "-z"])).split("\0").filter(Boolean);
  const created = await untrackedFiles(git);
  await git.raw(["add", "--all"]);
  return [...new Set([...edited, ...created])].sort();
}

/** The agent's task: the step, each leftover, and to change nothing else. */
function leftoverInstructions(input: StepInput, leftovers: readonly ApiUse[]): string {
  return [
    `Migration step ${input.index} of ${input.total}: ${input.step.title}.`,
    "The step's codemods could not migrate these uses:",
    ...leftovers.map((l) => `- ${l.file}:${l.line} ${l.api}: ${l.message}`),
    "Migrate these uses only, change nothing else. Do not run commands or tests: the workflow validates the step after you.",
  ].join("\n");
}
