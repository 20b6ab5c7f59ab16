/** The shared body of every actor role's main: config, connect, provision, serve, drain. */
import { loadConfig, resolveNatsUrl, type Config } from "../infra/config.ts";
import { connectNats } from "../infra/nats/connect.ts";
import { provision } from "../infra/nats/provision.ts";
import type { NatsConnection } from "@nats-io/transport-node";
import { ActorHost, type TaskHandler } from "../infra/nats/actor-host.ts";
import { initTelemetry } from "../infra/telemetry/tracing.ts";
import { exitWithError, onShutdown } from "../infra/process.ts";

/** Builds a role's handlers from the configuration and the process's connection. */
export type HandlerFactory = (cfg: Config, nc: NatsConnection) => Promise<Record<string, TaskHandler>> | Record<string, TaskHandler>;

/** Serves `role` with its handlers until SIGTERM. Concurrency: `--concurrency N` or PATCHBAY_CONCURRENCY. */
export async function runActorMain(role: string, makeHandlers: HandlerFactory): Promise<void> {
  try {
    const cfg = loadConfig();
    const flag = process.argv.indexOf("--concurrency");
    const concurrency = flag > 0 ? Number(process.argv[flag + 1]) : cfg.concurrency;
    const stopTelemetry = await initTelemetry(`patchbay-${role}`, cfg.otelEndpoint);
    const nc = await connectNats({ url: resolveNatsUrl(cfg), name: `patchbay-${role}`, ...(cfg.natsUser ? { user: cfg.natsUser, pass: cfg.natsPassword } : {}) });
    await provision(nc, cfg.provision, { verifyOnly: cfg.provisionMode === "verify" });
    const handlers = await makeHandlers(cfg, nc);
    const host = new ActorHost({ nc, role, handlers, concurrency, log: (l) => console.error(`[${role}] ${l}`) });
    await host.start();
    console.error(`[${role}] ready pid=${process.pid} concurrency=${concurrency}`);
    onShutdown(async () => {
      await host.drain();
      await nc.drain();
      await stopTelemetry();
    });
  } catch (err) {
    exitWithError(err);
  }
}
