/**
 * The shared body of every process's main: config, telemetry, NATS as this service's user,
 * provisioning (or verifying), a `ready` line, and a drain on SIGTERM. Mains only add what
 * they serve.
 */
import { hostname } from "node:os";
import type { NatsConnection } from "@nats-io/transport-node";
import { Rules, loadConfig, parseFlag, resolveNatsUrl, type Config } from "../infra/config.ts";
import { connectNats } from "../infra/nats/connect.ts";
import { provision } from "../infra/nats/provision.ts";
import { ActorHost, type TaskBinding } from "../infra/nats/actor-host.ts";
import { initTelemetry } from "../infra/telemetry/tracing.ts";
import { exitWithError, onShutdown } from "../infra/process.ts";
import type { Role } from "../protocol/roles.ts";
import { Coordinator, type CoordinatorOptions, type WorkflowRegistry } from "./coordinator/index.ts";

/** A started service: what to print when ready, and how to stop it. */
export interface Running {
  ready: string;
  stop(): Promise<void>;
}

/** Options every service main accepts. */
export interface ServiceOptions {
  /** The telemetry service name (default `patchbay-<name>`). */
  serviceName?: string;
  /** Roles whose task consumers this process provisions besides the built-in ones. */
  roles?: readonly Role[];
}

/** Connects and provisions as service `name`, runs `start`, drains everything on SIGTERM. */
export async function runService(
  name: string,
  start: (cfg: Config, nc: NatsConnection) => Promise<Running>,
  opts: ServiceOptions = {},
): Promise<void> {
  try {
    const cfg = loadConfig();
    const stopTelemetry = await initTelemetry(opts.serviceName ?? `patchbay-${name}`, cfg.otelEndpoint);
    const nc = await connectNats({
      url: resolveNatsUrl(cfg),
      name: `patchbay-${name}`,
      ...(cfg.natsUser ? { user: cfg.natsUser, pass: cfg.natsPassword } : {}),
    });
    await provision(nc, { ...cfg.provision, roles: opts.roles ?? [] }, { verifyOnly: cfg.provisionMode === "verify" });
    const running = await start(cfg, nc);
    console.error(`[${name}] ready pid=${process.pid}${running.ready ? ` ${running.ready}` : ""}`);
    onShutdown(async () => {
      await running.stop();
      await nc.drain();
      await stopTelemetry();
    });
  } catch (err) {
    exitWithError(err);
  }
}

/** Builds a role's task bindings from the configuration and the process's connection. */
export type BindingFactory = (
  cfg: Config,
  nc: NatsConnection,
) => Promise<readonly TaskBinding[]> | readonly TaskBinding[];

/** The `--concurrency N` flag of this process, if given (CONFIG_INVALID when it is not an integer ≥ 1). */
function concurrencyFlag(argv: readonly string[]): number | undefined {
  const at = argv.indexOf("--concurrency");
  return at < 0 ? undefined : parseFlag("--concurrency", argv[at + 1], Rules.concurrency);
}

/** Serves actor `role` until SIGTERM. Concurrency: `--concurrency N` or PATCHBAY_CONCURRENCY. */
export async function runActorMain(
  role: Role,
  makeBindings: BindingFactory,
  opts: ServiceOptions & { drainGraceMs?: number } = {},
): Promise<void> {
  await runService(
    role,
    async (cfg, nc) => {
      const concurrency = concurrencyFlag(process.argv) ?? cfg.concurrency;
      const handlers = await makeBindings(cfg, nc);
      const host = new ActorHost({
        nc,
        role,
        handlers,
        concurrency,
        runner: `${hostname()}:${process.pid}`,
        log: (l) => console.error(`[${role}] ${l}`),
        ...(opts.drainGraceMs === undefined ? {} : { drainGraceMs: opts.drainGraceMs }),
      });
      await host.start();
      return { ready: `concurrency=${concurrency} kinds=${host.kinds.join(",")}`, stop: () => host.drain() };
    },
    { ...opts, roles: [role, ...(opts.roles ?? [])] },
  );
}

/** Runs a coordinator replica with `registry` until SIGTERM; it provisions every role the registry dispatches to. */
export async function runCoordinatorMain(
  registry: WorkflowRegistry,
  opts: ServiceOptions & Pick<CoordinatorOptions, "afterWrite"> = {},
): Promise<void> {
  await runService(
    "coordinator",
    async (cfg, nc) => {
      const coordinator = new Coordinator({
        nc,
        registry,
        log: (l) => console.error(`[coordinator] ${l}`),
        ...(cfg.signalHoldMs === undefined ? {} : { signalHoldMs: cfg.signalHoldMs }),
        ...(opts.afterWrite ? { afterWrite: opts.afterWrite } : {}),
      });
      await coordinator.start();
      return { ready: "", stop: () => coordinator.stop() };
    },
    { ...opts, roles: [...registry.roles().keys(), ...(opts.roles ?? [])] },
  );
}
