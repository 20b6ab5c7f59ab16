/**
 * The pools page (`/pools`): for each role, its queue (tasks waiting, held, redelivered) and
 * its live processes with the tasks each holds; then the dead-letter queue with each message's
 * reason and, for a viewer with the token, replay and discard.
 */
import type { DlqEntry, PoolView } from "../../../infra/client/index.ts";
import { actionForm, durationText, escapeHtml, timeText, type PageContext } from "./layout.ts";

/** What the pools page shows. */
export interface PoolsPageData {
  pools: Record<string, PoolView>;
  dlq: DlqEntry[];
  now: number;
}

/** The body of the pools page. */
export function poolsPageBody(d: PoolsPageData, ctx: PageContext): string {
  return [
    `<h1>Pools</h1>`,
    `<div data-live="pools">`,
    poolsTable(d),
    processList(d),
    dlqSection(d, ctx),
    `</div>`,
  ].join("\n");
}

function poolsTable(d: PoolsPageData): string {
  const rows = Object.entries(d.pools).map(([role, p]) => {
    const live = p.processes.filter((x) => x.state !== "gone");
    const inFlight = live.reduce((n, x) => n + x.in_flight.length, 0);
    const capacity = live.reduce((n, x) => n + x.concurrency, 0);
    const health = live.length === 0 ? `<span class="err">no process</span>` : `${live.length} serving`;
    return (
      `<tr data-role="${escapeHtml(role)}"><th scope="row">${escapeHtml(role)}</th><td>${p.pending}</td><td>${p.ack_pending}</td>` +
      `<td>${p.redelivered}</td><td>${health}</td><td>${inFlight} of ${capacity}</td></tr>`
    );
  });
  return (
    `<section aria-labelledby="roles"><h2 id="roles">Roles</h2><table class="pools"><thead><tr><th scope="col">role</th>` +
    `<th scope="col">queued (pending)</th><th scope="col">held (ack pending)</th><th scope="col">redelivered</th>` +
    `<th scope="col">processes</th><th scope="col">tasks in flight / slots</th></tr></thead><tbody>${rows.join("")}</tbody></table></section>`
  );
}

function processList(d: PoolsPageData): string {
  const processes = Object.values(d.pools).flatMap((p) => p.processes);
  if (processes.length === 0)
    return `<section aria-labelledby="procs"><h2 id="procs">Processes</h2><p class="empty">No process answered.</p></section>`;
  const rows = processes.map((p) => {
    const tasks = p.in_flight.length
      ? p.in_flight
          .map(
            (t) =>
              `<a href="/workflows/${encodeURIComponent(t.workflow_id)}">${escapeHtml(t.workflow_id)}</a> ` +
              `<code>${escapeHtml(t.task_id)}</code> ${escapeHtml(t.kind)} (attempt ${t.attempt}, ${durationText(d.now - t.since)})`,
          )
          .join("<br>")
      : `<span class="muted">idle</span>`;
    return (
      `<tr><td>${escapeHtml(p.role)}</td><td><code>${escapeHtml(p.runner)}</code></td><td>${escapeHtml(p.state)}</td>` +
      `<td>up ${durationText(d.now - p.started_at)}</td><td>${tasks}</td></tr>`
    );
  });
  return (
    `<section aria-labelledby="procs"><h2 id="procs">Processes (${processes.length})</h2><table><thead><tr><th scope="col">role</th>` +
    `<th scope="col">process</th><th scope="col">state</th><th scope="col">uptime</th><th scope="col">tasks in flight</th></tr></thead>` +
    `<tbody>${rows.join("")}</tbody></table></section>`
  );
}

function dlqSection(d: PoolsPageData, ctx: PageContext): string {
  const head = `<h2 id="dlq">Dead-letter queue (${d.dlq.length})</h2>`;
  if (d.dlq.length === 0) return `<section aria-labelledby="dlq">${head}<p class="empty">Empty.</p></section>`;
  const canAct = ctx.access.kind !== "read-only";
  const rows = d.dlq.map((m) => {
    const acts = canAct
      ? `${actionForm(ctx, `/api/dlq/${m.seq}/replay`, "Replay")} ${actionForm(ctx, `/api/dlq/${m.seq}/discard`, "Discard")}`
      : `<span class="muted">token needed</span>`;
    return (
      `<tr data-seq="${m.seq}"><td>${m.seq}</td><td>${timeText(m.time)}</td><td><code>${escapeHtml(m.original_subject)}</code></td>` +
      `<td><code>${escapeHtml(m.code)}</code> ${escapeHtml(m.reason)}</td><td>${acts}</td></tr>`
    );
  });
  return (
    `<section aria-labelledby="dlq">${head}<table class="dlq"><thead><tr><th scope="col">seq</th><th scope="col">dead-lettered (UTC)</th>` +
    `<th scope="col">subject</th><th scope="col">reason</th><th scope="col">actions</th></tr></thead><tbody>${rows.join("")}</tbody></table></section>`
  );
}
