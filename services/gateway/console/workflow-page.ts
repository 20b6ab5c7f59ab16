/**
 * One workflow's page (`/workflows/<id>`): status, run, version, parent and children; the
 * actions (approve, reject, cancel, reset); links to its PR, postmortem, reports and trace;
 * pending tasks with attempt, deadline and runner; timers; model usage; the timeline; input,
 * result or error; the history as a table. Everything below the title is one live region.
 */
import type { HistoryEntry, Timeline } from "../../../infra/client/index.ts";
import { TERMINAL, type SagaRecord } from "../../../protocol/saga.ts";
import {
  actionForm,
  durationText,
  escapeHtml,
  jsonBlock,
  safeLink,
  statusBadge,
  timeText,
  type PageContext,
} from "./layout.ts";
import { timelineHtml } from "./timeline-html.ts";

/** A child workflow as the page lists it. */
export interface ChildLine {
  id: string;
  type: string;
  status: string;
}

/** A link the page offers (PR, postmortem, report, trace). */
export interface WorkflowLink {
  label: string;
  href: string;
}

/** What the workflow page shows. */
export interface WorkflowPageData {
  rec: SagaRecord;
  history: HistoryEntry[];
  timeline: Timeline;
  children: ChildLine[];
  links: WorkflowLink[];
  now: number;
}

/** The body of the workflow page. */
export function workflowPageBody(d: WorkflowPageData, ctx: PageContext): string {
  const r = d.rec;
  return [
    `<p><a href="/workflows">Workflows</a> › ${escapeHtml(r.type)}</p>`,
    `<h1><code>${escapeHtml(r.id)}</code></h1>`,
    `<div data-live="workflow" data-id="${escapeHtml(r.id)}">`,
    summary(d),
    actions(r, ctx),
    linksSection(d.links),
    pendingSection(r, d.now),
    timersSection(r, d.now),
    usageSection(r),
    childrenSection(d.children),
    timelineHtml(d.timeline, d.now),
    `<section aria-labelledby="io"><h2 id="io">Input and ${r.error ? "error" : "result"}</h2>`,
    `<details><summary>input</summary>${jsonBlock(r.input)}</details>`,
    r.result === undefined ? "" : `<details open><summary>result</summary>${jsonBlock(r.result)}</details>`,
    r.error
      ? `<p class="err" role="alert"><code>${escapeHtml(r.error.code)}</code> ${escapeHtml(r.error.message)}</p>`
      : "",
    `</section>`,
    historySection(d.history, r, ctx),
    `</div>`,
  ].join("\n");
}

function summary(d: WorkflowPageData): string {
  const r = d.rec;
  const ended = TERMINAL.has(r.status);
  const row = (k: string, v: string) => `<dt>${k}</dt><dd>${v}</dd>`;
  return (
    `<dl class="summary">` +
    row("status", `<span data-field="status">${statusBadge(r.status)}</span>`) +
    row("type", escapeHtml(r.type)) +
    row("run", String(r.run)) +
    row("version", String(r.version)) +
    row("created", timeText(r.created_at)) +
    row(ended ? "ended" : "updated", timeText(r.updated_at)) +
    row("duration", `${durationText((ended ? r.updated_at : d.now) - r.created_at)}${ended ? "" : " so far"}`) +
    (r.parent
      ? row(
          "parent",
          `<a href="/workflows/${encodeURIComponent(r.parent.id)}">${escapeHtml(r.parent.id)}</a> (run ${r.parent.run})`,
        )
      : "") +
    (r.compensation ? row("compensation", `${r.compensation.failures.length} failed`) : "") +
    `</dl>`
  );
}

function actions(r: SagaRecord, ctx: PageContext): string {
  if (ctx.access.kind === "read-only")
    return `<p class="muted">Actions (approve, reject, cancel, reset) need the gateway's token.</p>`;
  const base = `/api/workflows/${encodeURIComponent(r.id)}`;
  const running = !TERMINAL.has(r.status);
  const forms = running
    ? [
        actionForm(ctx, `${base}/signal`, "Approve", { name: "approve" }),
        actionForm(ctx, `${base}/signal`, "Reject", { name: "reject" }),
        actionForm(ctx, `${base}/cancel`, "Cancel"),
      ]
    : [];
  return `<section aria-label="actions" class="actions">${forms.join(" ")}</section>`;
}

function linksSection(links: WorkflowLink[]): string {
  if (links.length === 0) return "";
  const items = links.map((l) => `<li>${safeLink(l.href, l.label)}</li>`);
  return `<section aria-labelledby="links"><h2 id="links">Links</h2><ul class="links">${items.join("")}</ul></section>`;
}

function pendingSection(r: SagaRecord, now: number): string {
  const tasks = Object.entries(r.pending);
  if (tasks.length === 0) return "";
  const rows = tasks.map(([id, t]) => {
    const state = t.started
      ? `running on <code>${escapeHtml(t.started.runner)}</code> for ${durationText(now - t.started.at)}`
      : `queued for ${durationText(now - t.dispatched_at)}`;
    const left = t.deadline - now;
    return (
      `<tr><td><code>${escapeHtml(id)}</code></td><td>${escapeHtml(`${t.role}/${t.kind}`)}</td>` +
      `<td>${t.attempt} of ${t.max_attempts}</td><td>${state}</td>` +
      `<td>${timeText(t.deadline)} (${left >= 0 ? `in ${durationText(left)}` : `${durationText(-left)} ago`})</td>` +
      `<td>${t.compensates ? `compensates <code>${escapeHtml(t.compensates)}</code>` : ""}</td></tr>`
    );
  });
  return (
    `<section aria-labelledby="pending"><h2 id="pending">Pending tasks (${tasks.length})</h2><table>` +
    `<thead><tr><th scope="col">task</th><th scope="col">role/kind</th><th scope="col">attempt</th>` +
    `<th scope="col">state</th><th scope="col">deadline (UTC)</th><th scope="col"></th></tr></thead><tbody>${rows.join("")}</tbody></table></section>`
  );
}

function timersSection(r: SagaRecord, now: number): string {
  const timers = Object.entries(r.timers);
  if (timers.length === 0) return "";
  const rows = timers.map(
    ([id, due]) =>
      `<tr><td><code>${escapeHtml(id)}</code></td><td>${timeText(due)} (in ${durationText(Math.max(0, due - now))})</td></tr>`,
  );
  return `<section aria-labelledby="timers"><h2 id="timers">Timers (${timers.length})</h2><table><thead><tr><th scope="col">timer</th><th scope="col">due (UTC)</th></tr></thead><tbody>${rows.join("")}</tbody></table></section>`;
}

function usageSection(r: SagaRecord): string {
  if (!r.usage && !r.budget) return "";
  const u = r.usage;
  const used = u
    ? `${u.input_tokens} input + ${u.output_tokens} output tokens in ${u.requests} requests, $${u.cost_usd.toFixed(4)}`
    : "nothing yet";
  const limits = r.budget
    ? ` · budget: ${r.budget.max_tokens ?? "no"} token limit, ${r.budget.max_cost_usd === undefined ? "no cost limit" : `$${r.budget.max_cost_usd}`}`
    : "";
  return `<section aria-labelledby="usage"><h2 id="usage">Model usage</h2><p>${used}${escapeHtml(limits)}</p></section>`;
}

function childrenSection(children: ChildLine[]): string {
  if (children.length === 0) return "";
  const items = children.map(
    (c) =>
      `<li><a href="/workflows/${encodeURIComponent(c.id)}">${escapeHtml(c.id)}</a> ${escapeHtml(c.type)} ${statusBadge(c.status)}</li>`,
  );
  return `<section aria-labelledby="children"><h2 id="children">Children</h2><ul>${items.join("")}</ul></section>`;
}

function historySection(history: HistoryEntry[], r: SagaRecord, ctx: PageContext): string {
  const rows = history.map((e) => {
    const what = e.message?.type ?? "undecodable";
    const detail =
      e.message?.type === "log/v1"
        ? e.message.data.entries.map((x) => `${x.step}: ${x.text}`).join("\n")
        : e.message
          ? eventDetail(e.message)
          : (e.invalid ?? "");
    return (
      `<tr><td>${e.number}</td><td>${timeText(e.time)}</td><td><code>${escapeHtml(what)}</code></td>` +
      `<td class="pre">${escapeHtml(detail)}${e.error ? `\n<span class="err">${escapeHtml(`${e.error.code} ${e.error.message}`)}</span>` : ""}</td></tr>`
    );
  });
  const reset = ctx.access.kind === "read-only" || history.length === 0 ? "" : resetForm(r, history.length, ctx);
  return (
    `<section aria-labelledby="history"><h2 id="history">History (${history.length} entries)</h2>${reset}` +
    `<table class="history"><thead><tr><th scope="col">#</th><th scope="col">time (UTC)</th><th scope="col">entry</th>` +
    `<th scope="col">detail</th></tr></thead><tbody>${rows.join("")}</tbody></table></section>`
  );
}

function eventDetail(m: NonNullable<HistoryEntry["message"]>): string {
  const d = m.data as Record<string, unknown>;
  const parts = ["task_id", "attempt", "runner", "name", "child_id"]
    .filter((k) => d[k] !== undefined)
    .map((k) => `${k}=${String(d[k])}`);
  return parts.join(" ");
}

function resetForm(r: SagaRecord, entries: number, ctx: PageContext): string {
  const csrf =
    ctx.access.kind === "session" ? `<input type="hidden" name="csrf" value="${escapeHtml(ctx.access.csrf)}">` : "";
  return (
    `<form method="post" action="/api/workflows/${encodeURIComponent(r.id)}/reset" class="inline reset">${csrf}` +
    `<input type="hidden" name="back" value="${escapeHtml(ctx.here)}">` +
    `<label for="reset-event">Reset to event</label> <input id="reset-event" name="event" type="number" min="1" max="${entries}" required> ` +
    `<button>Reset (run ${r.run + 1})</button></form>`
  );
}
