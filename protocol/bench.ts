/** The `bench-fanout` workflow's contracts: its input and the no-op task it fans out. */
import { z } from "zod";
import { defineTask } from "./contract.ts";

/** Input of bench-fanout. */
export const BenchFanoutInput = z.object({
  /** Tasks to fan out (1..256). */
  fanout: z.number().int().min(1).max(256).default(8),
  /** Bytes of padding in each task's input, to measure message size effects. */
  payload_bytes: z.number().int().min(0).max(65_536).default(0),
  /** Start-to-close budget of each task. */
  task_timeout_ms: z.number().int().positive().default(60_000),
  /** Schedule-to-start budget of each task (the runtime's default when absent; at least 5 s). */
  queue_timeout_ms: z.number().int().min(5_000).optional(),
});
/** Input of bench-fanout. */
export type BenchFanoutInput = z.infer<typeof BenchFanoutInput>;

/** Result of bench-fanout. */
export const BenchFanoutResult = z.object({ tasks: z.number().int(), duration_ms: z.number() });
/** Result of bench-fanout. */
export type BenchFanoutResult = z.infer<typeof BenchFanoutResult>;

/** The tasks of bench-fanout. */
export const BenchTasks = {
  /** A task the checker pool answers at once with its index. */
  noop: defineTask({
    role: "checker",
    kind: "bench.noop",
    input: z.object({ index: z.number().int().nonnegative(), pad: z.string().default("") }),
    output: z.object({ index: z.number().int().nonnegative() }),
  }),
} as const;
