/**
 * The workflows page (`/workflows`): counts by status, a filter form (type, status, created
 * between, id search), and one page of workflows, running first then ended newest first, with
 * a link to the next page. The counts and the table are a live region that console.js
 * refreshes when a workflow changes.
 */
import { SAGA_STATUSES, type SagaRecord } from "../../../protocol/saga.ts";
import { SEARCH_READ_LIMIT } from "../../../infra/client/index.ts";
import { durationText, escapeHtml, statusBadge, timeText } from "./layout.ts";
import { listHref, type ListQuery } from "./list-query.ts";
import type { StatusCountsView } from "./status-counts.ts";

/** What the list page shows. */
export interface ListPageData {
  query: ListQuery;
  workflows: SagaRecord[];
  next?: number;
  counts: StatusCountsView;
  /** Workflow types to offer in the filter. */
  types: string[];
  now: number;
}

/** The body of the workflows page. */
export function listPageBody(d: ListPageData): string {
  return [
    `<h1>Workflows</h1>`,
    filterForm(d.query.params, d.types),
    `<div data-live="list">`,
    countsBar(d.counts, d.query.params),
    workflowTable(d.workflows, d.now),
    pager(d),
    `</div>`,
  ].join("\n");
}

function filterForm(params: Record<string, string>, types: string[]): string {
  const option = (value: string, selected: string | undefined, text = value) =>
    `<option value="${escapeHtml(value)}"${value === (selected ?? "") ? " selected" : ""}>${escapeHtml(text)}</option>`;
  const typeOptions = [option("", params.type, "any type"), ...types.map((t) => option(t, params.type))];
  const statusOptions = [
    option("", params.status, "any status"),
    ...SAGA_STATUSES.map((s) => option(s, params.status)),
  ];
  const field = (name: string, label: string, input: string) => `<label for="f-${name}">${label}</label>${input}`;
  return (
    `<form method="get" action="/workflows" class="filters" role="search" aria-label="filter workflows">` +
    field("type", "Type", `<select id="f-type" name="type">${typeOptions.join("")}</select>`) +
    field("status", "Status", `<select id="f-status" name="status">${statusOptions.join("")}</select>`) +
    field("since", "Created from (UTC)", dateInput("since", params.since)) +
    field("until", "to", dateInput("until", params.until)) +
    field("q", "Id contains", `<input id="f-q" name="q" type="search" value="${escapeHtml(params.q ?? "")}">`) +
    `<button type="submit">Apply</button> <a href="/workflows">clear</a></form>`
  );
}

function dateInput(name: string, value: string | undefined): string {
  return `<input id="f-${name}" name="${name}" type="datetime-local" value="${escapeHtml(value ?? "")}">`;
}

function countsBar(view: StatusCountsView, params: Record<string, string>): string {
  const items = SAGA_STATUSES.map((s) => {
    const text = `${statusBadge(s)} <span class="count" data-status="${s}">${view.counts[s]}</span>`;
    return `<li><a href="${escapeHtml(listHref(params, { status: s, before: undefined }))}">${text}</a></li>`;
  });
  const note = view.complete ? "" : `<li class="muted">still counting ended workflows…</li>`;
  const scope = params.type ? ` of type ${escapeHtml(params.type)}` : "";
  return `<section aria-label="counts by status"><h2 class="sr">Counts${scope}</h2><ul class="counts">${items.join("")}${note}</ul></section>`;
}

function workflowTable(workflows: SagaRecord[], now: number): string {
  if (workflows.length === 0) return `<p class="empty">No workflows match.</p>`;
  const rows = workflows.map((w) => {
    const ended = w.status === "completed" || w.status === "failed" || w.status === "cancelled";
    const took = durationText((ended ? w.updated_at : now) - w.created_at);
    const pending = Object.keys(w.pending).length;
    return (
      `<tr data-id="${escapeHtml(w.id)}" data-status="${escapeHtml(w.status)}">` +
      `<td><a href="/workflows/${encodeURIComponent(w.id)}">${escapeHtml(w.id)}</a></td>` +
      `<td>${escapeHtml(w.type)}</td><td>${statusBadge(w.status)}</td><td>${w.run}</td>` +
      `<td>${timeText(w.created_at)}</td><td>${ended ? took : `${took} so far`}</td>` +
      `<td>${pending > 0 ? `${pending} pending` : ""}${w.error ? ` <code>${escapeHtml(w.error.code)}</code>` : ""}</td></tr>`
    );
  });
  return (
    `<table class="workflows"><caption class="sr">Workflows, running first, then ended, newest first</caption>` +
    `<thead><tr><th scope="col">id</th><th scope="col">type</th><th scope="col">status</th><th scope="col">run</th>` +
    `<th scope="col">created (UTC)</th><th scope="col">duration</th><th scope="col">tasks · error</th></tr></thead>` +
    `<tbody>${rows.join("")}</tbody></table>`
  );
}

function pager(d: ListPageData): string {
  const links: string[] = [];
  if (d.query.params.before)
    links.push(`<a href="${escapeHtml(listHref(d.query.params, { before: undefined }))}">first page</a>`);
  if (d.next !== undefined && d.workflows.length < d.query.filter.limit)
    links.push(
      `<span class="muted">Searched the latest ${SEARCH_READ_LIMIT.toLocaleString("en")} ended workflows.</span>`,
    );
  if (d.next !== undefined)
    links.push(`<a href="${escapeHtml(listHref(d.query.params, { before: String(d.next) }))}" rel="next">older ›</a>`);
  return links.length ? `<nav class="pager" aria-label="pages">${links.join(" ")}</nav>` : "";
}
