/**
 * The timeline of a run as HTML: one row per task attempt, grouped by role, each with a bar
 * from dispatch to result on a shared time axis (the part before an actor started it is drawn
 * lighter), and the same facts in words beside it: outcome, attempt, retry, compensation,
 * runner, times. Parallel tasks show as overlapping bars.
 */
import type { Timeline, TimelineBar } from "../../../infra/client/index.ts";
import { durationText, escapeHtml } from "./layout.ts";

/** The timeline section; empty runs say so. */
export function timelineHtml(t: Timeline, now: number): string {
  const count = t.groups.reduce((n, g) => n + g.bars.length, 0);
  if (count === 0)
    return `<section aria-labelledby="tl"><h2 id="tl">Timeline</h2><p class="empty">No tasks in run ${t.run} yet.</p></section>`;
  const span = t.to - t.from;
  const groups = t.groups.map(
    (g) =>
      `<div class="tl-group" data-role="${escapeHtml(g.role)}"><h3>${escapeHtml(g.role)} <span class="muted">(${g.bars.length})</span></h3>` +
      `<ol class="tl-rows">${g.bars.map((b) => barRow(b, t.from, span, now)).join("")}</ol></div>`,
  );
  return (
    `<section aria-labelledby="tl" class="timeline"><h2 id="tl">Timeline <span class="muted">run ${t.run} · ` +
    `${count} task attempts over ${durationText(span)}</span></h2>` +
    `<p class="tl-legend"><span class="tl-bar tl-sample q"></span> queued <span class="tl-bar tl-sample r"></span> running ` +
    `<span class="tl-bar tl-sample o-completed"></span> completed <span class="tl-bar tl-sample o-failed"></span> failed or timed out</p>` +
    `${groups.join("")}</section>`
  );
}

function barRow(b: TimelineBar, from: number, span: number, now: number): string {
  const end = b.ended_at ?? now;
  const pct = (ms: number) => `${(((ms - from) / span) * 100).toFixed(3)}%`;
  const width = (a: number, z: number) => `${Math.max(0.4, ((z - a) / span) * 100).toFixed(3)}%`;
  const seg = (cls: string, from: number) =>
    `<span class="tl-seg ${cls}" style="left:${pct(from)};width:${width(from, end)}"></span>`;
  // An actor reports a start only after a second (or at once after a wait in the queue): a task
  // that ended without one ran within a second of being taken, so its bar is drawn as run.
  const segments =
    b.started_at !== undefined
      ? `<span class="tl-seg q" style="left:${pct(b.dispatched_at)};width:${width(b.dispatched_at, b.started_at)}"></span>${seg("r", b.started_at)}`
      : seg(b.ended_at === undefined ? "q" : "r", b.dispatched_at);
  const marks = [
    b.attempt > 1 ? `retry · attempt ${b.attempt}` : "",
    (b.delivery ?? 1) > 1 ? `redelivered (${b.delivery})` : "",
    b.compensates ? `compensates ${b.compensates}` : "",
  ].filter(Boolean);
  const words =
    `${escapeHtml(b.outcome)} · ${durationText(end - b.dispatched_at)}` +
    (b.started_at === undefined ? "" : `, ran ${durationText(end - b.started_at)}`) +
    (b.runner ? ` on ${escapeHtml(b.runner)}` : "");
  return (
    `<li class="tl-row o-${b.outcome.replace(" ", "-")}${b.compensates ? " comp" : ""}${b.attempt > 1 ? " retry" : ""}" ` +
    `data-task="${escapeHtml(b.task_id)}" data-attempt="${b.attempt}" data-start="${b.dispatched_at}" data-end="${end}">` +
    `<span class="tl-label"><code>${escapeHtml(b.task_id)}</code> <span class="muted">${escapeHtml(b.kind)}</span>` +
    `${marks.map((m) => ` <span class="mark">${escapeHtml(m)}</span>`).join("")}</span>` +
    `<span class="tl-track" role="img" aria-label="${escapeHtml(`${b.task_id}: ${b.outcome}`)}">${segments}</span>` +
    `<span class="tl-words">${words}${b.error ? ` <span class="err">${escapeHtml(b.error)}</span>` : ""}</span></li>`
  );
}
