/**
 * The gateway's routes for the local forge, read-only:
 * `/repos/<repoKey>/pulls[/<n>]` and `/repos/<repoKey>/issues[/<n>]` as HTML pages, and the
 * same under `/api/` as JSON (a pull request with its `diff_stat`). `<repoKey>` is the key in
 * every `pr_url` (see infra/forge/keys.ts).
 */
import type { ServerResponse } from "node:http";
import type { LocalForge, PullRequest } from "../../infra/forge/index.ts";
import { errorPage, issueListPage, issuePage, pullRequestListPage, pullRequestPage } from "./forge-html.ts";
import { sendHtml, sendJson } from "./respond.ts";

/** What the pages read from the forge. */
export type ForgePages = Pick<
  LocalForge,
  "repoOfKey" | "getPullRequest" | "listPullRequests" | "listIssues" | "diffStat"
>;

const ROUTE = /^\/(api\/)?repos\/([A-Za-z0-9_-]{1,64})\/(pulls|issues)(?:\/(\d{1,9}))?\/?$/;

/** A matched forge route. */
interface ForgeRoute {
  api: boolean;
  repoKey: string;
  kind: "pulls" | "issues";
  number?: number;
}

/** Serves `pathname` if it is a forge route; returns whether it was one. */
export async function serveForge(forge: ForgePages, pathname: string, res: ServerResponse): Promise<boolean> {
  const m = ROUTE.exec(pathname);
  if (!m) return false;
  const route: ForgeRoute = {
    api: m[1] !== undefined,
    repoKey: m[2],
    kind: m[3] as ForgeRoute["kind"],
    ...(m[4] ? { number: Number(m[4]) } : {}),
  };
  const repo = await forge.repoOfKey(route.repoKey);
  if (repo === undefined) {
    notFound(res, route.api, `no repository '${route.repoKey}' in the forge`);
    return true;
  }
  if (route.kind === "pulls") await servePulls(forge, route, repo, res);
  else await serveIssues(forge, route, repo, res);
  return true;
}

async function servePulls(forge: ForgePages, route: ForgeRoute, repo: string, res: ServerResponse): Promise<void> {
  if (route.number === undefined) {
    const prs = await forge.listPullRequests(repo);
    if (route.api) sendJson(res, 200, prs);
    else sendHtml(res, 200, pullRequestListPage(route.repoKey, repo, prs));
    return;
  }
  const pr = await forge.getPullRequest(repo, route.number);
  if (pr === undefined) return notFound(res, route.api, `no pull request #${route.number} in ${repo}`);
  const stat = await diffStatOf(forge, pr);
  if (route.api) sendJson(res, 200, { ...pr, diff_stat: stat ?? null });
  else sendHtml(res, 200, pullRequestPage(route.repoKey, pr, stat));
}

async function serveIssues(forge: ForgePages, route: ForgeRoute, repo: string, res: ServerResponse): Promise<void> {
  const issues = await forge.listIssues(repo);
  if (route.number === undefined) {
    if (route.api) sendJson(res, 200, issues);
    else sendHtml(res, 200, issueListPage(route.repoKey, repo, issues));
    return;
  }
  const issue = issues.find((i) => i.number === route.number);
  if (issue === undefined) return notFound(res, route.api, `no issue #${route.number} in ${repo}`);
  if (route.api) sendJson(res, 200, issue);
  else sendHtml(res, 200, issuePage(route.repoKey, issue));
}

/** The diff stat, or undefined when git cannot tell (a branch or the repository is gone). */
async function diffStatOf(forge: ForgePages, pr: PullRequest): Promise<string | undefined> {
  try {
    return await forge.diffStat(pr);
  } catch {
    return undefined;
  }
}

function notFound(res: ServerResponse, api: boolean, message: string): void {
  if (api) sendJson(res, 404, { error: { code: "NOT_FOUND", message } });
  else sendHtml(res, 404, errorPage(404, message));
}
