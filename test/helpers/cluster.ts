/**
 * A small patchbay "cluster" of real processes for end-to-end tests: fixture coordinators
 * and actors on a test's nats-server, each killable by PID and restartable.
 */
import type { ExecutionContext } from "ava";
import { spawnService, type Service } from "./processes.ts";

/** Short ack waits so a task of a killed actor is redelivered within a couple of seconds. */
export const FAST_REDELIVERY_ENV = { PATCHBAY_TASK_ACK_WAIT_MS: "2000" };
/** The same setting for the test's own provisioning (it must match, or processes report drift). */
export const FAST_REDELIVERY = { taskAckWaitMs: 2_000 };

/** Starts the fixture coordinator process. */
export function startCoordinatorProcess(
  t: ExecutionContext,
  url: string,
  env: Record<string, string> = {},
): Promise<Service> {
  return spawnService(t, "coordinator", "test/fixtures/runtime/coordinator-main.ts", {
    NATS_URL: url,
    ...FAST_REDELIVERY_ENV,
    ...env,
  });
}

/** Starts a fixture actor process for `role`. */
export function startActorProcess(
  t: ExecutionContext,
  url: string,
  role: string,
  env: Record<string, string> = {},
  concurrency = 8,
): Promise<Service> {
  return spawnService(
    t,
    `actor-${role}`,
    "test/fixtures/runtime/actor-main.ts",
    { NATS_URL: url, ...FAST_REDELIVERY_ENV, ...env },
    [role, "--concurrency", String(concurrency)],
  );
}
