/** In-process coordinator and actor hosts on a test's nats-server, stopped when the test ends. */
import type { ExecutionContext } from "ava";
import type { NatsConnection } from "@nats-io/transport-node";
import { ActorHost, type TaskHandler } from "../../infra/nats/actor-host.ts";
import { Coordinator, type CoordinatorOptions } from "../../services/coordinator/runtime.ts";
import type { WorkflowRegistry } from "../../services/coordinator/decider.ts";
import { PatchbayClient } from "../../services/cli/client.ts";

/** Starts a coordinator replica in this process. */
export async function startCoordinator(t: ExecutionContext, nc: NatsConnection, registry: WorkflowRegistry, extra: Partial<CoordinatorOptions> = {}): Promise<Coordinator> {
  const c = new Coordinator({ nc, registry, ...extra });
  await c.start();
  let stopped = false;
  t.teardown(async () => { if (!stopped) await c.stop(); });
  const stop = c.stop.bind(c);
  c.stop = async () => { stopped = true; await stop(); };
  return c;
}

/** Starts an actor host for `role` in this process. */
export async function startActor(t: ExecutionContext, nc: NatsConnection, role: string, handlers: Record<string, TaskHandler>, concurrency = 4): Promise<ActorHost> {
  const host = new ActorHost({ nc, role, handlers, concurrency, drainGraceMs: 1_000 });
  await host.start();
  t.teardown(() => host.drain());
  return host;
}

/** A client with input validation against `registry`, closed when the test ends. */
export function client(t: ExecutionContext, nc: NatsConnection, registry?: WorkflowRegistry): PatchbayClient {
  const c = new PatchbayClient(nc, registry);
  t.teardown(() => c.close());
  return c;
}
