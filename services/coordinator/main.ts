/** The coordinator process: folds workflow inputs into saga state and publishes the tasks. */
import { loadConfig, resolveNatsUrl } from "../../infra/config.ts";
import { connectNats } from "../../infra/nats/connect.ts";
import { provision } from "../../infra/nats/provision.ts";
import { initTelemetry } from "../../infra/telemetry/tracing.ts";
import { exitWithError, onShutdown } from "../../infra/process.ts";
import { Coordinator } from "./runtime.ts";
import { WorkflowRegistry } from "./decider.ts";
import { builtinWorkflows } from "./workflows/index.ts";

try {
  const cfg = loadConfig();
  const stopTelemetry = await initTelemetry("patchbay-coordinator", cfg.otelEndpoint);
  const nc = await connectNats({ url: resolveNatsUrl(cfg), name: "patchbay-coordinator", ...(cfg.natsUser ? { user: cfg.natsUser, pass: cfg.natsPassword } : {}) });
  await provision(nc, cfg.provision, { verifyOnly: cfg.provisionMode === "verify" });
  const coordinator = new Coordinator({ nc, registry: new WorkflowRegistry(builtinWorkflows), log: (l) => console.error(`[coordinator] ${l}`) });
  await coordinator.start();
  console.error(`[coordinator] ready pid=${process.pid}`);
  onShutdown(async () => {
    await coordinator.stop();
    await nc.drain();
    await stopTelemetry();
  });
} catch (err) {
  exitWithError(err);
}
