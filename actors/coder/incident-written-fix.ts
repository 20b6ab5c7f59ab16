/**
 * A fix beyond the catalogue (docs/incident.md, "Fixes the model writes"): when the catalogue
 * has no remediation for the consensus and the coder has a model, the coding agent
 * (infra/llm/agent.ts) changes the fix branch's worktree, instructed with the root cause and
 * the evidence. It runs no commands (the checker runs the repository's tests on the branch
 * afterwards). Its transcript is kept in the `artifacts` store whatever the end; a stopped run
 * fails with the stop's code, a run that changed nothing with NO_REMEDIATION.
 */
import type { SimpleGit } from "simple-git";

import type { RunCommand } from "../../infra/llm/agent/tools.ts";
import type { ModelClient } from "../../infra/llm/client.ts";
import type { ArtifactStore } from "../../infra/nats/artifacts.ts";
import { TerminalError } from "../../protocol/errors.ts";
import type { FixInput } from "../../protocol/incident-swarm.ts";
import type { Usage } from "../../protocol/usage.ts";
import { stageAgentChanges, untrackedFiles } from "./patch-tree.ts";
import { keepTranscript, runCoderAgent, type AgentTask } from "./coder-agent.ts";
import { NO_REMEDIATION } from "./remediation/plan.ts";
import type { WrittenChange } from "./remediation/written-plan.ts";

/** The coder's model, where transcripts are kept, and how the key is cleared from them. */
export interface FixAgent {
  model: ModelClient;
  artifacts: ArtifactStore;
  redact(text: string): string;
}

/** What the agent's run needs of its task. */
export type WrittenFixTask = AgentTask;

/** The change written, and what the agent's requests cost. */
export interface WrittenFix {
  change: WrittenChange;
  usage: Usage;
}

const MAX_STEPS = 30;
const NO_COMMANDS = "incident.fix runs no commands: the checker runs the repository's tests on the fix branch after it";
const noCommands: RunCommand = () => Promise.resolve({ exitCode: null, output: NO_COMMANDS, timedOut: false });

/** Runs the agent on the worktree `dir` and stages what it changed; `why` says why the catalogue could not. */
export async function writeFix(
  agent: FixAgent,
  input: FixInput,
  worktree: { dir: string; git: SimpleGit },
  task: WrittenFixTask,
  why: string,
): Promise<WrittenFix> {
  const before = await untrackedFiles(worktree.git);
  const request = { text: fixInstructions(input, why), maxSteps: MAX_STEPS };
  const result = await runCoderAgent(agent, agent.model, { worktree: worktree.dir, run: noCommands }, request, task);
  await keepTranscript(agent, task, result.transcript);
  const files = await stageAgentChanges(worktree.git, before);
  if (files.length === 0)
    throw new TerminalError(
      NO_REMEDIATION,
      `${why}; the model changed nothing: ${result.answer.slice(0, 300)} (transcript: ${task.transcriptName})`,
    );
  return { change: { files, summary: result.answer }, usage: result.transcript.usage };
}

/** The agent's task: the root cause, the evidence, what the catalogue could not do, and what not to do. */
function fixInstructions(input: FixInput, why: string): string {
  const { alert, consensus: c, context } = input;
  const supporting = input.diagnoses.filter((d) => c.supporting_diagnoses.includes(d.agent));
  const evidence = supporting.flatMap((d) => d.evidence.slice(0, 4).map((e) => `- ${d.agent} (${d.method}): ${e}`));
  const figures = Object.entries(alert.metrics ?? {}).map(([name, value]) => `${name} ${value}`);
  const changes = context.changes.slice(0, 5).map((ch) => `- ${ch.sha.slice(0, 7)} ${ch.date}: ${ch.subject}`);
  return [
    `Write a hotfix for the ${alert.severity} alert ${alert.id} on ${alert.service}: ${alert.message}.`,
    figures.length > 0 ? `Figures: ${figures.join(", ")}.` : "",
    `Root cause (${c.category}, confidence ${c.confidence}, ${c.rule} of the diagnosers): ${c.root_cause}`,
    evidence.length > 0 ? `Evidence:\n${evidence.slice(0, 12).join("\n")}` : "",
    changes.length > 0 ? `Recent commits:\n${changes.join("\n")}` : "",
    `The remediation catalogue has no change for it: ${why}.`,
    "Make the smallest change to the repository's code or configuration that remedies this root cause.",
    "Do not add alert rules or runbooks: patchbay adds them. Do not run commands or tests: the checker runs",
    "the repository's tests on the fix branch after you.",
  ]
    .filter(Boolean)
    .join("\n");
}
