/** The benchmark's no-op task: answers at once with its index. */
import { implement } from "../../infra/nats/actor-host.ts";
import { BenchTasks } from "../../protocol/bench.ts";

/** `bench.noop`: returns `{index}` of the task input, doing nothing else. */
export const noopBinding = implement(BenchTasks.noop, async (input) => ({ index: input.index }));
