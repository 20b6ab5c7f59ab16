/**
 * The coding agent as the coder's tasks run it (`code.patch`, `plan.resolve-conflict`): the
 * coder's instructions, the task's step limit and remaining budget, its abort signal; a run
 * that stops keeps its transcript and fails the task with the stop's code.
 */
import {
  AgentStopped,
  runAgent,
  type AgentResult,
  type RemainingBudget,
  type Transcript,
} from "../../infra/llm/agent.ts";
import type { ToolContext } from "../../infra/llm/agent/tools.ts";
import type { ModelClient } from "../../infra/llm/client.ts";
import { openingMessages } from "../../infra/llm/prompt.ts";
import type { ArtifactStore } from "../../infra/nats/artifacts.ts";
import { PatchbayError, TerminalError } from "../../protocol/errors.ts";
import { CODER_INSTRUCTIONS } from "./prompts.ts";

/** Where a coder task keeps a model's transcript, the API key cleared. */
export interface TranscriptPorts {
  artifacts: ArtifactStore;
  /** Clears the API key from text before it is stored. */
  redact(text: string): string;
}

/** What the agent needs of its task. */
export interface AgentTask {
  signal: AbortSignal;
  budget?: RemainingBudget;
  /** Where its transcript is stored. */
  transcriptName: string;
}

/** Runs the agent with `tools` on `request` (what the task asks), at most `maxSteps` steps. */
export async function runCoderAgent(
  ports: TranscriptPorts,
  model: ModelClient,
  tools: Omit<ToolContext, "signal">,
  request: { text: string; maxSteps: number },
  task: AgentTask,
): Promise<AgentResult> {
  return runAgent({
    client: model,
    tools: { ...tools, signal: task.signal },
    messages: openingMessages({ role: "coder", instructions: CODER_INSTRUCTIONS, task: request.text }),
    limits: { maxSteps: request.maxSteps },
    ...(task.budget ? { budget: task.budget } : {}),
    signal: task.signal,
  }).catch(async (err: unknown) => {
    if (!(err instanceof AgentStopped)) throw err;
    await keepTranscript(ports, task, err.transcript);
    throw stoppedError(err, task.transcriptName);
  });
}

/** The error a stopped agent run fails its task with (retryable when the stop was), naming the transcript. */
export function stoppedError(err: AgentStopped, transcript: string): PatchbayError {
  const message = `${err.message} (transcript: ${transcript})`;
  return err.retryable ? new PatchbayError(err.code, message) : new TerminalError(err.code, message);
}

/** Stores the transcript (the API key cleared) under the task's name. */
export async function keepTranscript(
  ports: TranscriptPorts,
  task: Pick<AgentTask, "transcriptName">,
  transcript: Transcript,
): Promise<void> {
  await ports.artifacts.put(task.transcriptName, ports.redact(JSON.stringify(transcript)));
}
