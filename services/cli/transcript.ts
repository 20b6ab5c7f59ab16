/**
 * `show <id> --task <task>` for a model-driven task: its transcript, one block per step (the
 * model's text, each tool call and the first lines of what it answered), with the usage per
 * step and in total; and the usage figures `status` and `show` print.
 */
import type { Transcript } from "../../infra/llm/agent.ts";
import type { Budget, Usage } from "../../protocol/usage.ts";

/** `1,500 in + 250 out tokens, 5 requests, $0.005`. */
export function usageText(usage: Usage): string {
  const n = (x: number) => x.toLocaleString("en-US");
  return `${n(usage.input_tokens)} in + ${n(usage.output_tokens)} out tokens, ${usage.requests} requests, $${usage.cost_usd}`;
}

/** The `usage:` line of `status`, with the budget when the workflow has one. */
export function usageLine(usage: Usage | undefined, budget: Budget | undefined): string | undefined {
  if (usage === undefined && budget === undefined) return undefined;
  const limits = [
    budget?.max_tokens === undefined ? "" : `${budget.max_tokens.toLocaleString("en-US")} tokens`,
    budget?.max_cost_usd === undefined ? "" : `$${budget.max_cost_usd}`,
  ].filter(Boolean);
  const used = usage === undefined ? "nothing yet" : usageText(usage);
  return `usage: ${used}${limits.length > 0 ? ` (budget ${limits.join(", ")})` : ""}`;
}

function firstLines(text: string, count: number): string {
  const lines = text.split("\n");
  return (
    lines.slice(0, count).join("\n      ") +
    (lines.length > count ? `\n      … ${lines.length - count} more lines` : "")
  );
}

/** The transcript as lines. */
export function transcriptLines(transcript: Transcript): string[] {
  const lines = [`model ${transcript.model}: ${transcript.steps.length} steps, ${usageText(transcript.usage)}`];
  for (const step of transcript.steps) {
    lines.push(`step ${step.step}  (${step.usage.input_tokens} in + ${step.usage.output_tokens} out)`);
    if (step.content) lines.push(`  model: ${firstLines(step.content, 6)}`);
    for (const call of step.calls) {
      lines.push(
        `  → ${call.name}(${call.arguments.length > 160 ? `${call.arguments.slice(0, 160)}…` : call.arguments})`,
      );
      lines.push(`    ${call.ok ? "←" : "✗"} ${firstLines(call.result, 4)}`);
    }
  }
  const end = transcript.ending;
  lines.push(end.status === "done" ? "ended: done" : `ended: stopped, ${end.code}: ${end.reason}`);
  return lines;
}
