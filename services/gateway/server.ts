/**
 * The gateway's HTTP server: an index of what it serves (`/`), a read-only JSON API over
 * workflows and, when given a forge, the local forge's repositories (`/repos`) and pages
 * (`/repos/<repoKey>/pulls/<n>`, see forge-routes.ts), and Alertmanager's webhook
 * (`POST /hooks/alertmanager`, see hook-routes.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { ensureError } from "../../protocol/errors.ts";
import { viewOf, type PatchbayClient } from "../../infra/client/index.ts";
import { serveForge } from "./forge-routes.ts";
import type { ForgePages } from "./forge-routes.ts";
import { serveFile } from "./file-routes.ts";
import type { FilePages } from "./file-routes.ts";
import { serveHome } from "./home-routes.ts";
import type { RepoLister } from "./repos.ts";
import type { IncidentHookConfig } from "../../infra/config.ts";
import { ALERTMANAGER_HOOK, serveAlertHook } from "./hook-routes.ts";

/** Options of {@link createGateway}. */
export interface GatewayOptions {
  /** The local forge whose pull requests and issues the gateway shows. */
  forge?: ForgePages & FilePages;
  /** The forge's repositories, for `/` and `/repos` (see repos.ts). */
  repos?: RepoLister;
  /** Where `POST /hooks/alertmanager` starts incident-swarm (see hook-routes.ts). */
  incident?: IncidentHookConfig;
}

/** Creates the gateway server over a client. */
export function createGateway(client: PatchbayClient, options: GatewayOptions = {}): Server {
  return createServer((req, res) => {
    route(client, options, req, res).catch((err) => send(res, 500, { error: ensureError(err).toInfo() }));
  });
}

async function route(
  client: PatchbayClient,
  options: GatewayOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://gateway");
  if (url.pathname === ALERTMANAGER_HOOK && req.method === "POST")
    return serveAlertHook(client, options.incident, req, res);
  if (req.method !== "GET") return send(res, 405, { error: { code: "METHOD_NOT_ALLOWED", message: "read-only API" } });
  if (url.pathname === "/healthz") return send(res, 200, { ok: true });
  if (url.pathname === "/api/workflows") {
    const recs = await client.list();
    return send(res, 200, recs.map(viewOf));
  }
  const m = /^\/api\/workflows\/([A-Za-z0-9_-]+)$/.exec(url.pathname);
  if (m) {
    const rec = await client.status(m[1]);
    if (!rec) return send(res, 404, { error: { code: "NOT_FOUND", message: `no workflow '${m[1]}'` } });
    return send(res, 200, { ...viewOf(rec), history: await client.history(m[1]) });
  }
  if (await serveHome(options.repos, url.pathname, req, res)) return;
  if (options.forge && (await serveForge(options.forge, url.pathname, res))) return;
  if (options.forge && (await serveFile(options.forge, url.pathname, res))) return;
  send(res, 404, { error: { code: "NOT_FOUND", message: url.pathname } });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
