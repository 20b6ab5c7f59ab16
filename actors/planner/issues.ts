/**
 * The planner's `plan.issues` task (plan-patch-pr): the model splits the design into issues
 * as a structured output. What the contract's schema cannot say is checked with it, so that
 * the one repair request carries it back to the model: the ids are unique, the titles are not
 * empty and the paths are repository-relative. Whether the dependencies form a DAG is the decider's check (a bad plan
 * comes back here once with `previous_error`).
 */
import { z } from "zod";
import type { ModelClient } from "../../infra/llm/client.ts";
import { structured } from "../../infra/llm/structured.ts";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import { PlanIssue, type IssuesInput, type IssuesOutput } from "../../protocol/plan-patch-pr.ts";
import { issuesMessages } from "./issues-prompt.ts";

function isRepoPath(path: string): boolean {
  return path !== "" && !path.startsWith("/") && !/^[a-zA-Z]:/.test(path) && !path.split(/[\\/]/).includes("..");
}

/**
 * The issues as the model must answer them: the contract's, the titles' being non-empty checked
 * here rather than as `minLength` (which strict structured outputs may refuse), with unique ids
 * and repository-relative paths.
 */
const ModelIssues = z
  .object({
    issues: z
      .array(PlanIssue.extend({ title: z.string() }))
      .min(1)
      .max(20),
  })
  .superRefine(({ issues }, ctx) => {
    const seen = new Set<string>();
    issues.forEach((issue, i) => {
      if (issue.title.trim() === "")
        ctx.addIssue({ code: "custom", path: ["issues", i, "title"], message: "the title is empty" });
      if (seen.has(issue.id))
        ctx.addIssue({ code: "custom", path: ["issues", i, "id"], message: `${issue.id} is used by an earlier issue` });
      seen.add(issue.id);
      for (const path of issue.files_to_modify.filter((p) => !isRepoPath(p)))
        ctx.addIssue({
          code: "custom",
          path: ["issues", i, "files_to_modify"],
          message: `${JSON.stringify(path)} is not a repository-relative path`,
        });
    });
  });

function plannerModel(model: ModelClient | undefined): ModelClient {
  if (model !== undefined) return model;
  throw new TerminalError(
    ErrorCode.ModelNotConfigured,
    "the planner has no model: set PATCHBAY_MODEL_URL and PATCHBAY_MODEL or PATCHBAY_MODEL_PLANNER (README, Use a real model)",
  );
}

/** Splits `input.design` into issues; MODEL_NOT_CONFIGURED without a model. */
export async function planIssues(
  model: ModelClient | undefined,
  input: IssuesInput,
  signal: AbortSignal,
  log: (line: string) => void,
): Promise<IssuesOutput> {
  const answer = await structured(plannerModel(model), {
    schema: ModelIssues,
    name: "issues",
    messages: issuesMessages(input),
    signal,
  });
  const { issues } = answer.value;
  const retry = input.previous_error === undefined ? "" : " (after a refused plan)";
  log(`${issues.length} issues${retry}: ${issues.map((i) => i.id).join(", ")}`);
  return { issues, usage: answer.usage };
}
