/**
 * `bench-fanout`: F no-op tasks in parallel on the checker pool, completed when all are back.
 * The orchestration benchmark's workload, and the demo until real workflows exist.
 */
import { z } from "zod";
import type { Command, Workflow, WorkflowEvent } from "../decider.ts";

/** Input of bench-fanout. */
export const BenchFanoutInput = z.object({
  /** Tasks to fan out (1..256). */
  fanout: z.number().int().min(1).max(256).default(8),
  /** Bytes of padding in each task's input, to measure message size effects. */
  payload_bytes: z.number().int().min(0).max(65_536).default(0),
  /** Per-task deadline. */
  task_timeout_ms: z.number().int().positive().default(60_000),
});
/** Input of bench-fanout. */
export type BenchFanoutInput = z.infer<typeof BenchFanoutInput>;

/** State: how many tasks are still out, and when the workflow started. */
export interface BenchFanoutState {
  input: BenchFanoutInput;
  outstanding: number;
  started_at: number;
  failed?: { code: string; message: string };
}

/** The kind the checker pool answers with a no-op. */
export const NOOP_KIND = "bench.noop";

export const benchFanout: Workflow<BenchFanoutInput, BenchFanoutState> = {
  type: "bench-fanout",
  version: 1,
  input: BenchFanoutInput,
  initial: (input, ctx) => ({ input, outstanding: input.fanout, started_at: ctx.now }),
  evolve(state: BenchFanoutState, event: WorkflowEvent): BenchFanoutState {
    if (event.type === "task.completed") return { ...state, outstanding: state.outstanding - 1 };
    if (event.type === "task.failed") return { ...state, outstanding: state.outstanding - 1, failed: event.error };
    return state;
  },
  decide(state: BenchFanoutState, event: WorkflowEvent): Command[] {
    if (event.type === "started") {
      const pad = "x".repeat(state.input.payload_bytes);
      return Array.from({ length: state.input.fanout }, (_, i) => ({
        type: "dispatch" as const, task_id: `t${i + 1}`, role: "checker", kind: NOOP_KIND,
        input: { index: i + 1, pad }, timeout_ms: state.input.task_timeout_ms,
      }));
    }
    if (state.failed) return [{ type: "fail", error: state.failed }];
    if (state.outstanding === 0) {
      return [{ type: "complete", result: { tasks: state.input.fanout, duration_ms: event.at - state.started_at } }];
    }
    return [];
  },
};
