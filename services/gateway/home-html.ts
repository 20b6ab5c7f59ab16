/**
 * The gateway's index (`/`: what it serves, with links) and the list of the forge's
 * repositories (`/repos`). Every value from a record is HTML-escaped.
 */
import { escapeHtml, page } from "./forge-html.ts";
import type { ForgeRepo } from "./repos.ts";

/** One thing the gateway serves. */
export interface Endpoint {
  /** A path, or a path pattern with `<placeholders>`. */
  path: string;
  description: string;
}

/** Everything the gateway serves; `forge` adds the local forge's pages and API. */
export function endpoints(forge: boolean): Endpoint[] {
  const pages: Endpoint[] = forge
    ? [
        { path: "/repos", description: "repositories of the local forge (JSON with Accept: application/json)" },
        { path: "/repos/<key>/pulls", description: "pull requests of a repository" },
        { path: "/repos/<key>/pulls/<n>", description: "one pull request: statuses, comments, diff stat" },
        { path: "/repos/<key>/issues", description: "issues of a repository" },
        { path: "/repos/<key>/files/<branch>/<path>", description: "a file of a branch (e.g. a postmortem)" },
        { path: "/api/repos", description: "repositories, as JSON" },
        { path: "/api/repos/<key>/pulls", description: "pull requests (and /<n>), as JSON" },
        { path: "/api/repos/<key>/issues", description: "issues (and /<n>), as JSON" },
      ]
    : [];
  return [
    ...pages,
    { path: "/workflows", description: "the console: workflows by page, filtered, counted by status, live" },
    { path: "/workflows/<id>", description: "one workflow: tasks, timers, usage, timeline, history, actions" },
    { path: "/pools", description: "each role's queue and live processes; the dead-letter queue" },
    { path: "/api/workflows", description: "a page of workflows with counts by status, as JSON (same filters)" },
    { path: "/api/workflows/<id>", description: "one workflow with its history and timeline, as JSON" },
    { path: "/api/pools", description: "pools and the dead-letter queue, as JSON" },
    { path: "/api/events", description: "server-sent events: ids of workflows that changed (?id=<id> for one)" },
    { path: "/metrics", description: "Prometheus metrics (docs/metrics.md)" },
    { path: "POST /login", description: "exchanges the gateway's token for a session cookie (actions need it)" },
    {
      path: "POST /hooks/alertmanager",
      description: "Alertmanager's webhook: each firing alert starts incident-swarm",
    },
    { path: "/healthz", description: "liveness" },
  ];
}

/** A link when the path has no placeholder, else the pattern as code. */
function pathCell(path: string): string {
  return path.includes("<") || path.includes(" ")
    ? `<code>${escapeHtml(path)}</code>`
    : `<a href="${escapeHtml(path)}"><code>${escapeHtml(path)}</code></a>`;
}

function repoRows(repos: ForgeRepo[]): string {
  if (repos.length === 0) return `<p class="muted">No repositories yet: open a pull request (patchbay pr create).</p>`;
  const rows = repos.map(
    (r) =>
      `<tr><td>${escapeHtml(r.repo)}</td><td><a href="${escapeHtml(r.pulls)}">pull requests</a></td>` +
      `<td><a href="${escapeHtml(r.issues)}">issues</a></td><td class="muted"><code>${escapeHtml(r.key)}</code></td></tr>`,
  );
  return `<table><tr><th>repository</th><th></th><th></th><th>key</th></tr>${rows.join("")}</table>`;
}

/** The index page; `repos` undefined when the gateway has no forge. */
export function indexPage(repos: ForgeRepo[] | undefined): string {
  const rows = endpoints(repos !== undefined).map(
    (e) => `<tr><td>${pathCell(e.path)}</td><td>${escapeHtml(e.description)}</td></tr>`,
  );
  const body = [
    `<h1>patchbay gateway</h1>`,
    ...(repos === undefined ? [] : [`<h2><a href="/repos">Repositories</a></h2>`, repoRows(repos)]),
    `<h2>Served here</h2>`,
    `<table><tr><th>path</th><th>content</th></tr>${rows.join("")}</table>`,
  ];
  return page("patchbay gateway", body.join("\n"));
}

/** The list of the forge's repositories. */
export function repoListPage(repos: ForgeRepo[]): string {
  return page("Repositories", `<p><a href="/">patchbay gateway</a></p>\n<h1>Repositories</h1>\n${repoRows(repos)}`);
}
