/**
 * What the planner's model is asked for `plan.issues` (infra/llm/prompt.ts keeps the order):
 * the role's instructions, the design as context, and the requirement last, with the reason
 * the last plan was refused when this is the retry after a bad plan.
 */
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { openingMessages } from "../../infra/llm/prompt.ts";
import type { IssuesInput } from "../../protocol/plan-patch-pr.ts";

const INSTRUCTIONS = [
  "You are the planner of patchbay's plan-patch-pr workflow. You get a requirement and the architect's design of it.",
  "Split the design into issues, each one coding task done by one engineer on a branch of its own, in one commit.",
  "Issues without dependencies between them run in parallel, so give them separate files. Answer JSON:",
  "{issues: [{id, title, description, component, files_to_modify, dependencies, estimated_complexity}]}, where",
  "- id: lower-case letters, digits and `-`, at most 32 characters, unique; it names the issue's branch.",
  "- title: one line. description: what to change and how to test it, precise enough to do without the others.",
  "- component: the name of the design's component the issue builds.",
  "- files_to_modify: the repository-relative paths the issue creates or changes.",
  "- dependencies: ids of the issues whose changes must be merged before this one starts; they must form a DAG.",
  "- estimated_complexity: low, medium or high.",
  "Every issue adds or updates the tests of what it changes and leaves the repository's tests passing. At most 20 issues.",
].join("\n");

/** The opening messages of an issues request. */
export function issuesMessages(input: IssuesInput): ChatCompletionMessageParam[] {
  const refused =
    input.previous_error === undefined
      ? ""
      : `\n\nYour last plan was refused: ${input.previous_error.trim()}\nAnswer a corrected plan.`;
  return openingMessages({
    role: "planner",
    instructions: INSTRUCTIONS,
    context: `Design:\n${JSON.stringify(input.design, null, 2)}`,
    task: `Requirement: ${input.requirement.trim()}\n\nSplit the design into issues.${refused}`,
  });
}
