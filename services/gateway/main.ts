/**
 * The gateway process: HTTP on PATCHBAY_GATEWAY_HOST (127.0.0.1 unless told otherwise) and
 * PATCHBAY_GATEWAY_PORT (a free port when unset), with the console (actions need
 * PATCHBAY_GATEWAY_TOKEN) and `/metrics`; once listening it announces its public URL on its NATS
 * (announce.ts) for the CLI's links.
 */
import { openLocalForge } from "../../infra/forge/index.ts";
import { PatchbayClient } from "../../infra/client/index.ts";
import { runService } from "../service-main.ts";
import { announceGateway } from "./announce.ts";
import { forgeRepoLister } from "./repos.ts";
import { startMetrics } from "./metrics.ts";
import { createGateway } from "./server.ts";

await runService("gateway", async (cfg, nc) => {
  const forge = await openLocalForge(nc, { workDir: cfg.workDir, gatewayUrl: cfg.gatewayUrl });
  const client = new PatchbayClient(nc);
  const server = createGateway(client, {
    forge,
    repos: await forgeRepoLister(nc, forge),
    incident: cfg.incident,
    metrics: await startMetrics(nc, client),
    ...(cfg.console.token ? { token: cfg.console.token } : {}),
    ...(cfg.console.traceUrl ? { traceUrl: cfg.console.traceUrl } : {}),
  });
  const host = cfg.console.host;
  const port = await new Promise<number>((resolve) => {
    server.listen(cfg.gatewayPort, host, () => {
      const addr = server.address();
      resolve(typeof addr === "object" && addr ? addr.port : cfg.gatewayPort);
    });
  });
  const announced = await announceGateway(nc, cfg.gatewayUrl).then(
    () => "",
    (err: Error) => ` (not announced: ${err.message})`,
  );
  return {
    ready: `url=http://${host.includes(":") ? `[${host}]` : host}:${port} public=${cfg.gatewayUrl} actions=${cfg.console.token ? "token" : "read-only"}${announced}`,
    stop: () => new Promise((r) => server.close(() => r())),
  };
});
