/**
 * The gateway process: HTTP on PATCHBAY_GATEWAY_PORT (a free port when unset); once listening it
 * announces its public URL on its NATS (announce.ts) for the CLI's links.
 */
import { openLocalForge } from "../../infra/forge/index.ts";
import { PatchbayClient } from "../../infra/client/index.ts";
import { runService } from "../service-main.ts";
import { announceGateway } from "./announce.ts";
import { forgeRepoLister } from "./repos.ts";
import { createGateway } from "./server.ts";

await runService("gateway", async (cfg, nc) => {
  const forge = await openLocalForge(nc, { workDir: cfg.workDir, gatewayUrl: cfg.gatewayUrl });
  const server = createGateway(new PatchbayClient(nc), {
    forge,
    repos: await forgeRepoLister(nc, forge),
    incident: cfg.incident,
  });
  const port = await new Promise<number>((resolve) => {
    server.listen(cfg.gatewayPort, "127.0.0.1", () => {
      const addr = server.address();
      resolve(typeof addr === "object" && addr ? addr.port : cfg.gatewayPort);
    });
  });
  const announced = await announceGateway(nc, cfg.gatewayUrl).then(
    () => "",
    (err: Error) => ` (not announced: ${err.message})`,
  );
  return {
    ready: `url=http://127.0.0.1:${port} public=${cfg.gatewayUrl}${announced}`,
    stop: () => new Promise((r) => server.close(() => r())),
  };
});
