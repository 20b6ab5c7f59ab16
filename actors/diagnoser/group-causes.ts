/**
 * `incident.group-causes` (docs/incident.md, "Equivalent causes"): the diagnoser's model judges
 * which of the diagnoses name one and the same root cause, whatever their words and category.
 * It answers groups of agent names, each with a reason (strict structured output); the groups
 * must partition exactly the agents given (each once, none invented), which the schema checks,
 * so that a wrong partition gets the one repair request and then INVALID_MODEL_OUTPUT (the
 * workflow then groups by the rule). Its usage is reported for the workflow's total.
 */
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { z } from "zod";
import type { ModelClient } from "../../infra/llm/client.ts";
import { openingMessages } from "../../infra/llm/prompt.ts";
import { structured } from "../../infra/llm/structured.ts";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import type { GroupCausesInput, GroupCausesOutput } from "../../protocol/incident-swarm.ts";

/** The instructions of the grouping request: the same for every incident (prompt caches). */
const GROUPING_INSTRUCTIONS = [
  "You judge, for patchbay's incident-swarm, which diagnoses of one incident name the same root cause.",
  "Each diagnosis has an agent name, its method, a category, its root cause in its own words and its evidence.",
  "Two causes are equivalent when fixing one fixes the other: the same fault seen from different sides",
  "(a pool too small for the traffic, and a database refusing new connections because the pool is full),",
  "even when their words or categories differ. Causes that would need different fixes are not equivalent;",
  "a diagnosis that found no cause (category unknown) is in a group of its own.",
  "Answer JSON: groups, each with agents (the agent names of one cause) and reason (one sentence).",
  "Name every agent given exactly once, and no other.",
].join("\n");

/** The groups' schema: each agent of `agents` in exactly one group, no other name. */
function groupsSchema(agents: readonly string[]) {
  const group = z.object({ agents: z.array(z.string()), reason: z.string() });
  return z.object({ groups: z.array(group) }).superRefine((value, ctx) => {
    const named = value.groups.flatMap((g) => g.agents);
    const problem =
      partitionProblem(agents, named) ?? (value.groups.some((g) => g.agents.length === 0) && "a group is empty");
    if (problem) ctx.addIssue({ code: "custom", path: ["groups"], message: problem });
  });
}

/** What is wrong with `named` as a partition of `agents`, if anything. */
function partitionProblem(agents: readonly string[], named: string[]): string | undefined {
  const unknown = named.filter((a) => !agents.includes(a));
  const twice = agents.filter((a) => named.filter((n) => n === a).length > 1);
  const left = agents.filter((a) => !named.includes(a));
  const parts = [
    unknown.length > 0 ? `names no agent given: ${unknown.join(", ")}` : "",
    twice.length > 0 ? `names more than once: ${twice.join(", ")}` : "",
    left.length > 0 ? `leaves out: ${left.join(", ")}` : "",
  ].filter(Boolean);
  return parts.length > 0
    ? `the groups must name each of ${agents.join(", ")} exactly once; they ${parts.join("; ")}`
    : undefined;
}

/** The request: the instructions, then the diagnoses as compact JSON, the alert last. */
function groupingMessages(input: GroupCausesInput): ChatCompletionMessageParam[] {
  const { alert } = input;
  const diagnoses = input.diagnoses.map((d) => ({
    agent: d.agent,
    method: d.method,
    category: d.category,
    root_cause: d.root_cause,
    evidence: d.evidence.slice(0, 4).map((e) => e.slice(0, 300)),
  }));
  return openingMessages({
    role: "diagnoser",
    instructions: GROUPING_INSTRUCTIONS,
    context: JSON.stringify({ diagnoses }),
    task: `Alert ${alert.id} (${alert.severity}) on ${alert.service}: ${alert.message}. Group the equivalent causes of agents ${input.diagnoses.map((d) => d.agent).join(", ")}.`,
  });
}

/** Asks `model` for the groups of equivalent causes; MODEL_NOT_CONFIGURED without a model. */
export async function groupCauses(
  model: ModelClient | undefined,
  input: GroupCausesInput,
  signal: AbortSignal,
  log: (line: string) => void,
): Promise<GroupCausesOutput> {
  if (model === undefined)
    throw new TerminalError(
      ErrorCode.ModelNotConfigured,
      "the diagnoser has no model to judge equivalent causes: set PATCHBAY_MODEL_URL and PATCHBAY_MODEL or PATCHBAY_MODEL_DIAGNOSER (README, Use a real model)",
    );
  const agents = input.diagnoses.map((d) => d.agent);
  const answer = await structured(model, {
    schema: groupsSchema(agents),
    name: "cause_groups",
    messages: groupingMessages(input),
    signal,
  });
  const groups = answer.value.groups;
  log(`equivalent causes by the model: ${groups.map((g) => g.agents.join("+")).join(", ")}`);
  return { groups, usage: answer.usage };
}
