/**
 * The console's routes on the gateway (docs/console.md): pages (`/workflows`,
 * `/workflows/<id>`, `/workflows/<id>/report`, `/pools`, `/login`), their JSON
 * (`/api/workflows`, `/api/workflows/<id>`, `/api/pools`), the event stream (`/api/events`),
 * its two static files, and the actions (actions.ts).
 */
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { PatchbayClient } from "../../../infra/client/index.ts";
import { viewOf } from "../../../infra/client/index.ts";
import { WorkflowInputs } from "../../../protocol/workflows.ts";
import { prefersJson, sendJson } from "../respond.ts";
import { serveAction } from "./actions.ts";
import type { ConsoleAuth } from "./auth.ts";
import { consolePage, sendPage, type PageContext } from "./layout.ts";
import type { FeedScope, LiveFeed } from "./live-feed.ts";
import { listPageBody } from "./list-page.ts";
import { parseListQuery } from "./list-query.ts";
import { loginPage } from "./login-page.ts";
import { poolsPageBody } from "./pools-page.ts";
import type { StatusCounts } from "./status-counts.ts";
import { readWorkflowPage } from "./workflow-data.ts";
import { workflowPageBody } from "./workflow-page.ts";

/** What the console's routes run on. */
export interface Console {
  client: PatchbayClient;
  auth: ConsoleAuth;
  counts: StatusCounts;
  feed: LiveFeed;
  /** A trace's URL with `{trace_id}`, from PATCHBAY_TRACE_URL. */
  traceUrl?: string;
}

/** The console's static files and their types. */
const ASSETS: Record<string, string> = {
  "/console/console.js": "text/javascript; charset=utf-8",
  "/console/console.css": "text/css; charset=utf-8",
};

/** Serves the request if it is one of the console's; returns whether it was. */
export async function serveConsole(
  con: Console,
  url: URL,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const path = url.pathname;
  if (req.method === "POST") return await serveAction(con.client, con.auth, path, req, res);
  if (req.method !== "GET") return false;
  const ctx: PageContext = { access: con.auth.access(req), actionsEnabled: con.auth.enabled, here: path + url.search };
  const json = path.startsWith("/api/") || prefersJson(req.headers.accept);
  const routes: Array<[RegExp, (m: RegExpExecArray) => Promise<void> | void]> = [
    [/^\/console\/console\.(js|css)$/, () => serveAsset(path, res)],
    [/^\/api\/events$/, () => con.feed.serve(req, res, feedScope(url))],
    [/^\/(api\/)?workflows$/, () => serveList(con, url, json, res, ctx)],
    [/^\/(api\/)?pools$/, () => servePools(con, json, res, ctx)],
    [
      /^\/login$/,
      () => sendPage(res, 200, consolePage("Log in", loginPage(url.searchParams.get("next") ?? "/workflows"), ctx)),
    ],
    [/^\/workflows\/([A-Za-z0-9_-]{1,128})\/report$/, (m) => serveReport(con, m[1] as string, res)],
    [/^\/(api\/)?workflows\/([A-Za-z0-9_-]{1,128})$/, (m) => serveWorkflow(con, m[2] as string, json, res, ctx)],
  ];
  for (const [pattern, handle] of routes) {
    const m = pattern.exec(path);
    if (!m) continue;
    await handle(m);
    return true;
  }
  return false;
}

/** `?id=<workflow>`, `?topic=pools`, or every workflow. */
function feedScope(url: URL): FeedScope {
  const id = url.searchParams.get("id");
  if (id) return { id };
  return { topic: url.searchParams.get("topic") === "pools" ? "pools" : "workflows" };
}

async function serveAsset(path: string, res: ServerResponse): Promise<void> {
  const file = new URL(`./assets/${path.slice("/console/".length)}`, import.meta.url);
  res.writeHead(200, {
    "content-type": ASSETS[path] ?? "text/plain",
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
  });
  res.end(await readFile(file));
}

async function serveList(con: Console, url: URL, json: boolean, res: ServerResponse, ctx: PageContext): Promise<void> {
  const query = parseListQuery(url);
  const [page, running] = await Promise.all([con.client.listPage(query.filter), con.client.running()]);
  const counts = con.counts.view(running, query.filter.type);
  if (json) {
    return sendJson(res, 200, {
      workflows: page.workflows.map(viewOf),
      ...(page.next === undefined ? {} : { next: page.next }),
      ...counts,
    });
  }
  const types = [...new Set([...Object.keys(WorkflowInputs), ...running.map((r) => r.type)])].sort();
  const body = listPageBody({
    query,
    workflows: page.workflows,
    counts,
    types,
    now: Date.now(),
    ...(page.next === undefined ? {} : { next: page.next }),
  });
  sendPage(res, 200, consolePage("Workflows", body, ctx));
}

async function serveWorkflow(
  con: Console,
  id: string,
  json: boolean,
  res: ServerResponse,
  ctx: PageContext,
): Promise<void> {
  const data = await readWorkflowPage(con.client, id, con.traceUrl, Date.now());
  if (!data) {
    if (json) return sendJson(res, 404, { error: { code: "NOT_FOUND", message: `no workflow '${id}'` } });
    return sendPage(
      res,
      404,
      consolePage("Not found", `<h1>No workflow <code>${id}</code></h1><p><a href="/workflows">Workflows</a></p>`, ctx),
    );
  }
  if (json)
    return sendJson(res, 200, {
      ...viewOf(data.rec),
      history: data.history,
      timeline: data.timeline,
      children: data.children,
      links: data.links,
    });
  sendPage(res, 200, consolePage(id, workflowPageBody(data, ctx), ctx));
}

async function servePools(con: Console, json: boolean, res: ServerResponse, ctx: PageContext): Promise<void> {
  const [pools, dlq] = await Promise.all([con.client.pools(), con.client.dlq()]);
  if (json) return sendJson(res, 200, { pools, dlq });
  sendPage(
    res,
    200,
    consolePage("Pools", poolsPageBody({ pools, dlq: [...dlq].reverse(), now: Date.now() }, ctx), ctx),
  );
}

async function serveReport(con: Console, id: string, res: ServerResponse): Promise<void> {
  const rec = await con.client.status(id);
  const report = rec ? await con.client.analysisReport(id, rec.run) : undefined;
  if (report === undefined)
    return sendJson(res, 404, { error: { code: "NOT_FOUND", message: `no report for '${id}'` } });
  res.writeHead(200, { "content-type": "application/json", "x-content-type-options": "nosniff" });
  res.end(report);
}
