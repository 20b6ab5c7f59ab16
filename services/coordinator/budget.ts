/**
 * Model budgets in the saga record: the workflow's budget (its input's `budget` field), the
 * usage its tasks reported (a completed task's output `usage`, added up), the budget left that
 * each task message carries, and the refusal of a dispatch once the budget is spent
 * (BUDGET_EXCEEDED). Pure: part of the fold.
 */
import { ErrorCode, type ErrorInfo } from "../../protocol/errors.ts";
import type { SagaRecord } from "../../protocol/saga.ts";
import { addUsage, Budget, budgetSpent, NO_USAGE, remainingBudget, totalTokens, Usage } from "../../protocol/usage.ts";

/** The budget a workflow's input sets, if any. */
export function budgetOfInput(input: unknown): Budget | undefined {
  if (typeof input !== "object" || input === null || !("budget" in input)) return undefined;
  const parsed = Budget.safeParse((input as { budget: unknown }).budget);
  return parsed.success && (parsed.data.max_tokens !== undefined || parsed.data.max_cost_usd !== undefined)
    ? parsed.data
    : undefined;
}

/** Adds the usage a completed task's output reports (an output without one adds nothing). */
export function addTaskUsage(rec: SagaRecord, output: unknown): void {
  if (typeof output !== "object" || output === null || !("usage" in output)) return;
  const usage = Usage.safeParse((output as { usage: unknown }).usage);
  if (usage.success) rec.usage = addUsage(rec.usage ?? NO_USAGE, usage.data);
}

/** Why a new task may not be dispatched: the budget is spent. */
export function budgetRefusal(rec: SagaRecord, taskId: string): ErrorInfo | undefined {
  if (rec.budget === undefined) return undefined;
  const used = rec.usage ?? NO_USAGE;
  if (!budgetSpent(rec.budget, used)) return undefined;
  const limits = [
    rec.budget.max_tokens === undefined ? "" : `${totalTokens(used)} of ${rec.budget.max_tokens} tokens`,
    rec.budget.max_cost_usd === undefined ? "" : `$${used.cost_usd} of $${rec.budget.max_cost_usd}`,
  ].filter(Boolean);
  return {
    code: ErrorCode.BudgetExceeded,
    message: `${taskId} not dispatched: the budget is spent (${limits.join(", ")})`,
  };
}

/** What a task of `rec` may still spend, or undefined when the workflow has no budget. */
export function budgetLeft(rec: SagaRecord): { tokens?: number; cost_usd?: number } | undefined {
  return rec.budget === undefined ? undefined : remainingBudget(rec.budget, rec.usage ?? NO_USAGE);
}
