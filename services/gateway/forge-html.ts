/**
 * Plain read-only HTML pages of the local forge: a pull request (title, branches, state,
 * labels, statuses, comments, diff stat), the list of a repository's pull requests, and an
 * issue. Everything that comes from a record is HTML-escaped; bodies are preformatted text.
 */
import type { BranchFile, CommitStatus, ForgeComment, ForgeIssue, PullRequest } from "../../infra/forge/index.ts";

/** Escapes `&`, `<`, `>`, `"` and `'` for HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
pre{background:#f6f8fa;padding:.75rem;overflow:auto;white-space:pre-wrap;word-break:break-word}
.label{background:#ddf4ff;border-radius:1rem;padding:.1rem .6rem;margin-right:.3rem}
.state{font-weight:600;text-transform:uppercase;font-size:.8rem;padding:.15rem .5rem;border-radius:.3rem;background:#eee}
.open{background:#dafbe1}.merged{background:#fbefff}.closed,.failure,.error{background:#ffebe9}.success{background:#dafbe1}.pending{background:#fff8c5}
table{border-collapse:collapse}td,th{padding:.25rem .75rem;text-align:left;border-bottom:1px solid #eee}
.muted{color:#666}article{margin-bottom:1rem}`;

/** A whole HTML page with the gateway's style. */
export function page(title: string, body: string): string {
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
    `<style>${STYLE}</style></head>\n<body>\n${body}\n</body></html>\n`
  );
}

const time = (ms: number) =>
  `<time datetime="${new Date(ms).toISOString()}">${new Date(ms).toISOString().replace("T", " ").slice(0, 19)} UTC</time>`;
const state = (value: string) => `<span class="state ${escapeHtml(value)}">${escapeHtml(value)}</span>`;
const labels = (values: string[]) =>
  values.length
    ? values.map((l) => `<span class="label">${escapeHtml(l)}</span>`).join("")
    : `<span class="muted">none</span>`;

/** A link only for http(s) targets; anything else (javascript:, data:) is shown as text. */
function link(url: string | undefined, text: string): string {
  if (url === undefined || !/^https?:\/\//i.test(url)) return escapeHtml(text);
  return `<a href="${escapeHtml(url)}" rel="noreferrer">${escapeHtml(text)}</a>`;
}

function statusRows(statuses: CommitStatus[]): string {
  if (statuses.length === 0) return `<p class="muted">No statuses.</p>`;
  const rows = statuses.map(
    (s) =>
      `<tr><td>${state(s.state)}</td><td>${link(s.target_url, s.context)}</td><td>${escapeHtml(s.description)}</td><td>${time(s.updated_at)}</td></tr>`,
  );
  return `<table><tr><th>state</th><th>context</th><th>description</th><th>updated</th></tr>${rows.join("")}</table>`;
}

function comments(list: ForgeComment[]): string {
  if (list.length === 0) return `<p class="muted">No comments.</p>`;
  return list
    .map((c) => {
      const edited = c.updated_at !== c.created_at ? ` · edited ${time(c.updated_at)}` : "";
      return `<article id="comment-${c.id}"><div class="muted"><b>${escapeHtml(c.author)}</b> · ${time(c.created_at)}${edited}</div><pre>${escapeHtml(c.body)}</pre></article>`;
    })
    .join("\n");
}

/** Where the pages of a repository live: `/repos/<repoKey>`. */
export function repoPath(repoKey: string): string {
  return `/repos/${encodeURIComponent(repoKey)}`;
}

/** The page of one pull request; `diffStat` undefined when a branch is gone. */
export function pullRequestPage(repoKey: string, pr: PullRequest, diffStat: string | undefined): string {
  const merged = pr.merge_commit_sha ? ` as <code>${escapeHtml(pr.merge_commit_sha)}</code>` : "";
  const body = [
    `<p><a href="${repoPath(repoKey)}/pulls">${escapeHtml(pr.repo)}</a> · pull requests</p>`,
    `<h1>${escapeHtml(pr.title)} <span class="muted">#${pr.number}</span></h1>`,
    `<p>${state(pr.state)}${merged} · <code>${escapeHtml(pr.head)}</code> → <code>${escapeHtml(pr.base)}</code> · opened ${time(pr.created_at)} · updated ${time(pr.updated_at)}</p>`,
    `<p>Labels: ${labels(pr.labels)}</p>`,
    `<h2>Description</h2>`,
    pr.body ? `<pre>${escapeHtml(pr.body)}</pre>` : `<p class="muted">No description.</p>`,
    `<h2>Statuses</h2>`,
    statusRows(pr.statuses),
    `<h2>Changes</h2>`,
    diffStat === undefined
      ? `<p class="muted">Diff not available (a branch no longer exists).</p>`
      : `<pre>${escapeHtml(diffStat || "(no changes)")}</pre>`,
    `<h2>Comments</h2>`,
    comments(pr.comments),
  ];
  return page(`#${pr.number} ${pr.title} · ${pr.repo}`, body.join("\n"));
}

/** The list of a repository's pull requests. */
export function pullRequestListPage(repoKey: string, repo: string, prs: PullRequest[]): string {
  const rows = prs.map(
    (pr) =>
      `<tr><td><a href="${repoPath(repoKey)}/pulls/${pr.number}">#${pr.number}</a></td><td>${escapeHtml(pr.title)}</td>` +
      `<td><code>${escapeHtml(pr.head)}</code> → <code>${escapeHtml(pr.base)}</code></td><td>${state(pr.state)}</td><td>${labels(pr.labels)}</td></tr>`,
  );
  const table = prs.length
    ? `<table><tr><th>#</th><th>title</th><th>branches</th><th>state</th><th>labels</th></tr>${rows.join("")}</table>`
    : `<p class="muted">No pull requests.</p>`;
  const body = `<h1>Pull requests</h1>\n<p>${escapeHtml(repo)} · <a href="${repoPath(repoKey)}/issues">issues</a></p>\n${table}`;
  return page(`Pull requests · ${repo}`, body);
}

/** The page of one issue. */
export function issuePage(repoKey: string, issue: ForgeIssue): string {
  const body = [
    `<p><a href="${repoPath(repoKey)}/pulls">${escapeHtml(issue.repo)}</a> · issues</p>`,
    `<h1>${escapeHtml(issue.title)} <span class="muted">#${issue.number}</span></h1>`,
    `<p>${state(issue.state)} · opened ${time(issue.created_at)}</p>`,
    `<p>Labels: ${labels(issue.labels)}</p>`,
    issue.body ? `<pre>${escapeHtml(issue.body)}</pre>` : `<p class="muted">No description.</p>`,
  ];
  return page(`#${issue.number} ${issue.title} · ${issue.repo}`, body.join("\n"));
}

/** The list of a repository's issues. */
export function issueListPage(repoKey: string, repo: string, issues: ForgeIssue[]): string {
  const rows = issues.map(
    (i) =>
      `<tr><td><a href="${repoPath(repoKey)}/issues/${i.number}">#${i.number}</a></td><td>${escapeHtml(i.title)}</td><td>${state(i.state)}</td><td>${labels(i.labels)}</td></tr>`,
  );
  const table = issues.length
    ? `<table><tr><th>#</th><th>title</th><th>state</th><th>labels</th></tr>${rows.join("")}</table>`
    : `<p class="muted">No issues.</p>`;
  return page(
    `Issues · ${repo}`,
    `<h1>Issues</h1>\n<p>${escapeHtml(repo)} · <a href="${repoPath(repoKey)}/pulls">pull requests</a></p>\n${table}`,
  );
}

/** The page of a file of a branch: its text, escaped and preformatted. */
export function filePage(repoKey: string, repo: string, file: BranchFile): string {
  const body = [
    `<p><a href="${repoPath(repoKey)}/pulls">${escapeHtml(repo)}</a> · <code>${escapeHtml(file.branch)}</code></p>`,
    `<h1>${escapeHtml(file.path)}</h1>`,
    `<pre>${escapeHtml(file.text)}</pre>`,
  ];
  return page(`${file.path} · ${file.branch} · ${repo}`, body.join("\n"));
}

/** A plain error page. */
export function errorPage(status: number, message: string): string {
  return page(`${status}`, `<h1>${status}</h1>\n<p>${escapeHtml(message)}</p>`);
}
