/**
 * `bench-fanout`: F no-op tasks in parallel on the checker pool, completed when all are back.
 * The orchestration benchmark's workload, and the demo's burst.
 */
import { BenchFanoutInput, BenchTasks, type BenchFanoutResult } from "../../../protocol/bench.ts";
import { dispatch, type Command, type Workflow, type WorkflowEvent } from "../decider.ts";

/** The task contracts bench-fanout dispatches. */
type BenchTask = (typeof BenchTasks)[keyof typeof BenchTasks];

/** State: how many tasks are still out, and when the workflow started. */
export interface BenchFanoutState {
  input: BenchFanoutInput;
  outstanding: number;
  started_at: number;
  failed?: { code: string; message: string };
}

function evolve(state: BenchFanoutState, event: WorkflowEvent<BenchTask>): BenchFanoutState {
  if (event.type === "task.completed") return { ...state, outstanding: state.outstanding - 1 };
  if (event.type === "task.failed") return { ...state, outstanding: state.outstanding - 1, failed: event.error };
  return state;
}

function decide(state: BenchFanoutState, event: WorkflowEvent<BenchTask>): Command<BenchTask>[] {
  if (event.type === "started") {
    const pad = "x".repeat(state.input.payload_bytes);
    const { task_timeout_ms, queue_timeout_ms } = state.input;
    const timeouts = { timeout_ms: task_timeout_ms, ...(queue_timeout_ms === undefined ? {} : { queue_timeout_ms }) };
    return Array.from({ length: state.input.fanout }, (_, i) =>
      dispatch(BenchTasks.noop, `t${i + 1}`, { index: i + 1, pad }, timeouts),
    );
  }
  if (state.failed) return [{ type: "fail", error: state.failed }];
  if (state.outstanding === 0)
    return [
      {
        type: "complete",
        result: { tasks: state.input.fanout, duration_ms: event.at - state.started_at } satisfies BenchFanoutResult,
      },
    ];
  return [];
}

/** The bench-fanout workflow. */
export const benchFanout: Workflow<BenchFanoutInput, BenchFanoutState, BenchTask> = {
  type: "bench-fanout",
  version: 1,
  input: BenchFanoutInput,
  tasks: [BenchTasks.noop],
  initial: (input, ctx) => ({ input, outstanding: input.fanout, started_at: ctx.now }),
  evolve,
  decide,
};
