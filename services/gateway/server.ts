/**
 * The gateway's HTTP server: an index of what it serves (`/`), the console (its pages, JSON
 * API, live events and actions, see console/routes.ts), Prometheus metrics (`/metrics`, when
 * given), the local forge's repositories and pages (`/repos`, see forge-routes.ts), and
 * Alertmanager's webhook (`POST /hooks/alertmanager`, see hook-routes.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { ErrorCode, ensureError } from "../../protocol/errors.ts";
import type { PatchbayClient } from "../../infra/client/index.ts";
import { serveForge } from "./forge-routes.ts";
import type { ForgePages } from "./forge-routes.ts";
import { serveFile } from "./file-routes.ts";
import type { FilePages } from "./file-routes.ts";
import { serveHome } from "./home-routes.ts";
import type { RepoLister } from "./repos.ts";
import type { IncidentHookConfig } from "../../infra/config.ts";
import { ALERTMANAGER_HOOK, serveAlertHook } from "./hook-routes.ts";
import { ConsoleAuth } from "./console/auth.ts";
import { LiveFeed } from "./console/live-feed.ts";
import { serveConsole, type Console } from "./console/routes.ts";
import { StatusCounts } from "./console/status-counts.ts";
import { serveMetrics, type GatewayMetrics } from "./metrics.ts";
import { sendJson } from "./respond.ts";

/** Options of {@link createGateway}. */
export interface GatewayOptions {
  /** The local forge whose pull requests and issues the gateway shows. */
  forge?: ForgePages & FilePages;
  /** The forge's repositories, for `/` and `/repos` (see repos.ts). */
  repos?: RepoLister;
  /** Where `POST /hooks/alertmanager` starts incident-swarm (see hook-routes.ts). */
  incident?: IncidentHookConfig;
  /** The token the console's actions need; without one the console is read-only. */
  token?: string;
  /** A trace's page with `{trace_id}` (PATCHBAY_TRACE_URL), linked from each workflow. */
  traceUrl?: string;
  /** Served at `GET /metrics` when given. */
  metrics?: GatewayMetrics;
}

/**
 * Creates the gateway server over a client. The console's live feed and status counts start
 * with it and stop when it closes (closing also ends the open event streams).
 */
export function createGateway(client: PatchbayClient, options: GatewayOptions = {}): Server {
  const con: Console = {
    client,
    auth: new ConsoleAuth(options.token),
    counts: new StatusCounts(),
    feed: new LiveFeed(),
    ...(options.traceUrl ? { traceUrl: options.traceUrl } : {}),
  };
  con.counts.start(client.nc, client.js);
  con.feed.start(client.nc);
  const server = createServer((req, res) => {
    route(con, options, req, res).catch((err) => {
      const e = ensureError(err);
      if (!res.headersSent) sendJson(res, e.code === ErrorCode.InvalidQuery ? 400 : 500, { error: e.toInfo() });
      else res.end();
    });
  });
  const close = server.close.bind(server);
  server.close = ((done?: (err?: Error) => void) => {
    con.feed.stop();
    con.counts.stop();
    options.metrics?.stop();
    return close(done);
  }) as Server["close"];
  return server;
}

async function route(con: Console, options: GatewayOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://gateway");
  if (url.pathname === ALERTMANAGER_HOOK && req.method === "POST")
    return serveAlertHook(con.client, options.incident, req, res);
  if (await serveConsole(con, url, req, res)) return;
  if (req.method !== "GET")
    return sendJson(res, 405, { error: { code: "METHOD_NOT_ALLOWED", message: `${req.method} ${url.pathname}` } });
  if (url.pathname === "/healthz") return sendJson(res, 200, { ok: true });
  if (url.pathname === "/metrics" && options.metrics) return serveMetrics(options.metrics, res);
  if (await serveHome(options.repos, url.pathname, req, res)) return;
  if (options.forge && (await serveForge(options.forge, url.pathname, res))) return;
  if (options.forge && (await serveFile(options.forge, url.pathname, res))) return;
  sendJson(res, 404, { error: { code: "NOT_FOUND", message: url.pathname } });
}
