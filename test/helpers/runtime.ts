/** In-process coordinator and actor hosts on a test's nats-server, stopped when the test ends. */
import type { ExecutionContext } from "ava";
import type { NatsConnection } from "@nats-io/transport-node";
import type { ZodType } from "zod";
import { ActorHost, type TaskBinding } from "../../infra/nats/actor-host.ts";
import { PatchbayClient } from "../../infra/client/index.ts";
import type { Role } from "../../protocol/roles.ts";
import { Coordinator, type CoordinatorOptions, type WorkflowRegistry } from "../../services/coordinator/index.ts";

/** Starts a coordinator replica in this process. */
export async function startCoordinator(
  t: ExecutionContext,
  nc: NatsConnection,
  registry: WorkflowRegistry,
  extra: Partial<CoordinatorOptions> = {},
): Promise<Coordinator> {
  const c = new Coordinator({ nc, registry, ...extra });
  await c.start();
  let stopped = false;
  t.teardown(async () => {
    if (!stopped) await c.stop();
  });
  const stop = c.stop.bind(c);
  c.stop = async () => {
    stopped = true;
    await stop();
  };
  return c;
}

/** Starts an actor host for `role` in this process, serving `bindings`. */
export async function startActor(
  t: ExecutionContext,
  nc: NatsConnection,
  role: Role,
  bindings: readonly TaskBinding[],
  concurrency = 4,
): Promise<ActorHost> {
  const host = new ActorHost({ nc, role, handlers: bindings, concurrency, drainGraceMs: 1_000 });
  await host.start();
  t.teardown(() => host.drain());
  return host;
}

/** A client (validating inputs by `inputs` when given), closed when the test ends. */
export function client(
  t: ExecutionContext,
  nc: NatsConnection,
  inputs?: Readonly<Record<string, ZodType>>,
): PatchbayClient {
  const c = new PatchbayClient(nc, inputs);
  t.teardown(() => c.close());
  return c;
}
