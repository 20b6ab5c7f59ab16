/**
 * The coding-agent loop: the model is asked, the tools it calls are run in the task's
 * worktree, their results go back, until it answers without a tool call. It stops with
 * AGENT_LOOP at the step limit, at the third identical call, or after N steps that changed
 * nothing in the tree; with BUDGET_EXCEEDED when the task's remaining budget is spent; and
 * whatever ends it, the transcript (messages, tool calls, results, usage per step) is kept.
 */
import type { ChatCompletionMessage, ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { ErrorCode, PatchbayError, type ErrorCodeValue } from "../../protocol/errors.ts";
import { addUsage, NO_USAGE, totalTokens, type Usage } from "../../protocol/usage.ts";
import { LoopGuard, treeFingerprint } from "./agent/progress.ts";
import { runTool, toolDefinitions, type ToolContext } from "./agent/tools.ts";
import type { ModelClient } from "./client.ts";

/** One step of the loop: what the model asked for and what each tool answered. */
export interface TranscriptStep {
  step: number;
  usage: Usage;
  content: string | null;
  calls: { name: string; arguments: string; ok: boolean; result: string }[];
}

/** The whole run, kept as an artifact. */
export interface Transcript {
  model: string;
  messages: ChatCompletionMessageParam[];
  steps: TranscriptStep[];
  usage: Usage;
  /** `done`, or the code that stopped it. */
  ending: { status: "done" } | { status: "stopped"; code: string; reason: string };
}

/** Limits of one run. */
export interface AgentLimits {
  /** Model requests at most (default 30). */
  maxSteps: number;
  /** Identical tool calls at most (default 3: the third stops the loop). */
  maxRepeats: number;
  /** Steps in a row that change nothing in the tree (default 8). */
  maxIdleSteps: number;
}

/** What the task still may spend; a limit left out is not enforced. */
export interface RemainingBudget {
  tokens?: number;
  cost_usd?: number;
}

/** One agent run. */
export interface AgentRun {
  client: ModelClient;
  tools: ToolContext;
  /** The opening messages (prompt.ts `openingMessages`). */
  messages: ChatCompletionMessageParam[];
  limits?: Partial<AgentLimits>;
  budget?: RemainingBudget;
  signal?: AbortSignal;
}

/** A finished run: the model's last answer and the transcript. */
export interface AgentResult {
  answer: string;
  transcript: Transcript;
}

/** A run that was stopped or failed; it carries the transcript so far. */
export class AgentStopped extends PatchbayError {
  readonly transcript: Transcript;
  constructor(code: ErrorCodeValue, message: string, transcript: Transcript, retryable: boolean) {
    super(code, message, { retryable });
    this.name = "AgentStopped";
    this.transcript = transcript;
  }
}

const DEFAULT_LIMITS: AgentLimits = { maxSteps: 30, maxRepeats: 3, maxIdleSteps: 8 };

function overBudget(budget: RemainingBudget | undefined, used: Usage): string | undefined {
  if (budget?.tokens !== undefined && totalTokens(used) >= budget.tokens)
    return `${totalTokens(used)} tokens used of the ${budget.tokens} left`;
  if (budget?.cost_usd !== undefined && used.cost_usd >= budget.cost_usd)
    return `$${used.cost_usd} spent of the $${budget.cost_usd} left`;
  return undefined;
}

function asParam(message: ChatCompletionMessage): ChatCompletionMessageParam {
  return {
    role: "assistant",
    content: message.content,
    ...(message.tool_calls && message.tool_calls.length > 0 ? { tool_calls: message.tool_calls } : {}),
  };
}

/** Runs the loop to its end; throws AgentStopped (AGENT_LOOP, BUDGET_EXCEEDED, or the model's error) with the transcript. */
export async function runAgent(run: AgentRun): Promise<AgentResult> {
  const limits = { ...DEFAULT_LIMITS, ...run.limits };
  const guard = new LoopGuard(limits.maxRepeats, limits.maxIdleSteps);
  const transcript: Transcript = {
    model: run.client.model,
    messages: [...run.messages],
    steps: [],
    usage: NO_USAGE,
    ending: { status: "done" },
  };
  const stop = (code: ErrorCodeValue, reason: string, retryable = false): AgentStopped => {
    transcript.ending = { status: "stopped", code, reason };
    return new AgentStopped(code, `agent stopped: ${reason}`, transcript, retryable);
  };
  guard.noteTree(await treeFingerprint(run.tools.worktree));
  for (let step = 1; step <= limits.maxSteps; step++) {
    const spent = overBudget(run.budget, transcript.usage);
    if (spent !== undefined) throw stop(ErrorCode.BudgetExceeded, `budget spent before step ${step}: ${spent}`);
    const answer = await run.client
      .chat({
        messages: transcript.messages,
        tools: toolDefinitions(),
        purpose: "agent",
        ...(run.signal ? { signal: run.signal } : {}),
      })
      .catch((err: PatchbayError) => {
        throw stop(err.code, err.message, err.retryable);
      });
    transcript.usage = addUsage(transcript.usage, answer.usage);
    transcript.messages.push(asParam(answer.message));
    const record: TranscriptStep = { step, usage: answer.usage, content: answer.message.content, calls: [] };
    transcript.steps.push(record);
    const calls = (answer.message.tool_calls ?? []).filter((c) => c.type === "function");
    if (calls.length === 0) return { answer: answer.message.content ?? "", transcript };
    const over = overBudget(run.budget, transcript.usage);
    if (over !== undefined) throw stop(ErrorCode.BudgetExceeded, `budget spent at step ${step}: ${over}`);
    for (const call of calls) {
      const repeated = guard.noteCall(call.function.name, call.function.arguments);
      if (repeated !== undefined) throw stop(ErrorCode.AgentLoop, repeated);
      const result = await runTool(run.tools, call.function.name, call.function.arguments);
      record.calls.push({
        name: call.function.name,
        arguments: call.function.arguments,
        ...result,
        result: result.text,
      });
      transcript.messages.push({ role: "tool", tool_call_id: call.id, content: result.text });
    }
    const idle = guard.noteTree(await treeFingerprint(run.tools.worktree));
    if (idle !== undefined) throw stop(ErrorCode.AgentLoop, idle);
  }
  throw stop(ErrorCode.AgentLoop, `step limit of ${limits.maxSteps} reached`);
}
