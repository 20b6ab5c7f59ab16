// Model budgets in the coordinator's pure core: the budget comes from the workflow's input,
// completed tasks' `usage` is added up in the record (whatever their contract keeps of the
// output), every task message carries what is left, and a dispatch once the budget is spent
// fails the workflow with BUDGET_EXCEEDED instead of sending the task.
import test from "ava";
import { z } from "zod";
import { defineTask } from "../protocol/contract.ts";
import { ErrorCode } from "../protocol/errors.ts";
import { Budget } from "../protocol/usage.ts";
import { WorkflowRegistry, dispatch, type Workflow } from "../services/coordinator/internal.ts";
import { completed, spec, started, tasksIn } from "./helpers/spec.ts";

const Step = defineTask({
  role: "coder",
  kind: "budget.step",
  input: z.object({ n: z.number() }),
  output: z.object({ n: z.number() }),
});
const Input = z.object({ steps: z.number().int(), budget: Budget.optional() });

/** Steps one after another; done after `steps`. */
const budgeted: Workflow<z.infer<typeof Input>, { done: number; steps: number }, typeof Step> = {
  type: "budgeted-steps",
  version: 1,
  input: Input,
  tasks: [Step],
  initial: (input) => ({ done: 0, steps: input.steps }),
  evolve: (state, event) => (event.type === "task.completed" ? { ...state, done: state.done + 1 } : state),
  decide: (state, event) => {
    if (event.type === "task.failed") return [{ type: "fail", error: event.error }];
    if (state.done === state.steps) return [{ type: "complete", result: state.done }];
    return [dispatch(Step, `s${state.done + 1}`, { n: state.done + 1 })];
  },
};
const registry = new WorkflowRegistry([budgeted]);
const usage = (input: number, output: number) => ({
  input_tokens: input,
  output_tokens: output,
  requests: 1,
  cost_usd: 0.01,
});

test("usage is added up, tasks carry what is left, and a dispatch past the budget fails BUDGET_EXCEEDED", (t) => {
  const given = spec(registry).given([
    started("budgeted-steps", { steps: 3, budget: { max_tokens: 100 } }),
    completed("s1", { n: 1, usage: usage(40, 20) }),
  ]);
  t.deepEqual(given.record?.usage, usage(40, 20));
  t.deepEqual(
    tasksIn(given.published).map((m) => [m.task_id, m.budget]),
    [
      ["s1", { tokens: 100 }],
      ["s2", { tokens: 40 }],
    ],
  );
  given.when(completed("s2", { n: 2, usage: usage(30, 20) })).then(({ record, outbox }) => {
    t.is(record.status, "failed");
    t.is(record.error?.code, ErrorCode.BudgetExceeded);
    t.is(record.error?.message, "s3 not dispatched: the budget is spent (110 of 100 tokens)");
    t.deepEqual(record.usage, { input_tokens: 70, output_tokens: 40, requests: 2, cost_usd: 0.02 });
    t.deepEqual(tasksIn(outbox), [], "s3 was not sent");
  });
});

test("a cost budget counts dollars, and a workflow without a budget only adds up", (t) => {
  spec(registry)
    .given([
      started("budgeted-steps", { steps: 3, budget: { max_cost_usd: 0.02 } }),
      completed("s1", { n: 1, usage: usage(1, 1) }),
    ])
    .when(completed("s2", { n: 2, usage: usage(1, 1) }))
    .then(({ record }) => {
      t.is(record.error?.code, ErrorCode.BudgetExceeded);
      t.regex(record.error?.message ?? "", /\$0\.02 of \$0\.02/);
    });
  spec(registry)
    .given([started("budgeted-steps", { steps: 2 }), completed("s1", { n: 1, usage: usage(1000, 1000) })])
    .when(completed("s2", { n: 2, usage: usage(1, 1) }))
    .then(({ record, outbox }) => {
      t.is(record.status, "completed");
      t.is(record.budget, undefined);
      t.is(record.usage?.input_tokens, 1001);
      t.true(tasksIn(outbox).every((m) => m.budget === undefined));
    });
});
