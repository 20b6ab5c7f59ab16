/**
 * Model usage and budgets: what a task's model calls cost (tokens, requests, estimated
 * dollars), added up per workflow, and the limits a workflow sets on them.
 */
import { z } from "zod";

/** Tokens, requests and estimated cost of model calls. */
export const Usage = z.object({
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
  /** HTTP requests answered (retries of one call included). */
  requests: z.number().int().nonnegative(),
  /** Estimated from the configured price per million tokens; 0 when no price is set. */
  cost_usd: z.number().nonnegative(),
});
export type Usage = z.infer<typeof Usage>;

/** A workflow's limits on model use; either may be left out. */
export const Budget = z.object({
  max_tokens: z.number().int().positive().optional(),
  max_cost_usd: z.number().positive().optional(),
});
export type Budget = z.infer<typeof Budget>;

/** No usage. */
export const NO_USAGE: Usage = Object.freeze({ input_tokens: 0, output_tokens: 0, requests: 0, cost_usd: 0 });

/** The sum of two usages (cost rounded to micro-dollars, so sums stay stable). */
export function addUsage(a: Usage, b: Usage): Usage {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    requests: a.requests + b.requests,
    cost_usd: Math.round((a.cost_usd + b.cost_usd) * 1e6) / 1e6,
  };
}

/** Tokens in and out. */
export function totalTokens(usage: Usage): number {
  return usage.input_tokens + usage.output_tokens;
}

/** What is left of `budget` after `used`; undefined limits stay undefined, spent ones are 0. */
export function remainingBudget(budget: Budget, used: Usage): { tokens?: number; cost_usd?: number } {
  return {
    ...(budget.max_tokens === undefined ? {} : { tokens: Math.max(0, budget.max_tokens - totalTokens(used)) }),
    ...(budget.max_cost_usd === undefined
      ? {}
      : { cost_usd: Math.max(0, Math.round((budget.max_cost_usd - used.cost_usd) * 1e6) / 1e6) }),
  };
}

/** Whether `used` has reached either limit of `budget`. */
export function budgetSpent(budget: Budget, used: Usage): boolean {
  const left = remainingBudget(budget, used);
  return left.tokens === 0 || left.cost_usd === 0;
}
