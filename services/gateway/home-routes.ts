/**
 * The gateway's own pages: `/` (what it serves, with links) and `/repos` with `/api/repos`
 * (the forge's repositories). `/` and `/repos` answer JSON when the request's Accept header
 * prefers it, HTML otherwise.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { endpoints, indexPage, repoListPage } from "./home-html.ts";
import type { RepoLister } from "./repos.ts";
import { prefersJson, sendHtml, sendJson } from "./respond.ts";

/** Serves `pathname` if it is `/`, `/repos` or `/api/repos`; returns whether it was one. */
export async function serveHome(
  repos: RepoLister | undefined,
  pathname: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const json = prefersJson(req.headers.accept);
  if (pathname === "/") {
    const list = repos ? await repos() : undefined;
    if (json) sendJson(res, 200, { endpoints: endpoints(repos !== undefined), ...(list ? { repos: list } : {}) });
    else sendHtml(res, 200, indexPage(list));
    return true;
  }
  if (repos === undefined || !/^\/(api\/)?repos\/?$/.test(pathname)) return false;
  const list = await repos();
  if (json || pathname.startsWith("/api/")) sendJson(res, 200, list);
  else sendHtml(res, 200, repoListPage(list));
  return true;
}
