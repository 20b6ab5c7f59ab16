/** The gateway process: HTTP on PATCHBAY_GATEWAY_PORT (a free port when unset). */
import { loadConfig, resolveNatsUrl } from "../../infra/config.ts";
import { openLocalForge } from "../../infra/forge/index.ts";
import { connectNats } from "../../infra/nats/connect.ts";
import { provision } from "../../infra/nats/provision.ts";
import { exitWithError, onShutdown } from "../../infra/process.ts";
import { PatchbayClient } from "../cli/client.ts";
import { createGateway } from "./server.ts";

try {
  const cfg = loadConfig();
  const nc = await connectNats({ url: resolveNatsUrl(cfg), name: "patchbay-gateway", ...(cfg.natsUser ? { user: cfg.natsUser, pass: cfg.natsPassword } : {}) });
  await provision(nc, cfg.provision, { verifyOnly: cfg.provisionMode === "verify" });
  const forge = await openLocalForge(nc, { workDir: cfg.workDir, gatewayUrl: cfg.gatewayUrl });
  const server = createGateway(new PatchbayClient(nc), { forge });
  server.listen(cfg.gatewayPort, "127.0.0.1", () => {
    const addr = server.address();
    const port = typeof addr === "object" && addr ? addr.port : cfg.gatewayPort;
    console.error(`[gateway] ready url=http://127.0.0.1:${port} public=${cfg.gatewayUrl}`);
  });
  onShutdown(async () => {
    await new Promise((r) => server.close(r));
    await nc.drain();
  });
} catch (err) {
  exitWithError(err);
}
