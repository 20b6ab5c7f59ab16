/** The benchmark's no-op task: answers at once with its index. */
import type { TaskHandler } from "../../infra/nats/actor-host.ts";

/** Returns `{index}` of the task input, doing nothing else. */
export const noopHandler: TaskHandler = async (input) => ({ index: (input as { index?: number }).index ?? 0 });
