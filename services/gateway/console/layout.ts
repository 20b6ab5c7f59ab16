/**
 * The console's page shell and the small formatters every page uses. Pages are plain HTML
 * rendered on the server (they read without scripts); `console.js` only subscribes to the
 * live feed and swaps in the fresh `[data-live]` regions. Every status is shown in words, its
 * colour only repeats it.
 */
import type { ServerResponse } from "node:http";
import { escapeHtml } from "../forge-html.ts";
import type { Access } from "./auth.ts";

export { escapeHtml };

/** What the shell needs to know about the viewer. */
export interface PageContext {
  access: Access;
  /** Whether the gateway has a token (else actions are impossible). */
  actionsEnabled: boolean;
  /** The path and query of this page (the login's return address). */
  here: string;
}

/** Headers of console pages: their own script and styles only, no framing. */
const CONSOLE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; " +
    "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "cache-control": "no-store",
};

/** Sends a console page. */
export function sendPage(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, CONSOLE_HEADERS);
  res.end(html);
}

/** A whole console page: header with navigation and login state, `main` with `body`. */
export function consolePage(title: string, body: string, ctx: PageContext): string {
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(title)} · patchbay</title>` +
    `<link rel="icon" href="data:,"><link rel="stylesheet" href="/console/console.css"><script src="/console/console.js" defer></script></head>\n` +
    `<body><header><nav aria-label="console"><a href="/workflows" class="brand">patchbay</a>` +
    `<a href="/workflows">Workflows</a><a href="/pools">Pools</a><a href="/">Gateway</a></nav>` +
    `<p id="live-state" aria-live="polite"></p>${loginState(ctx)}</header>\n<main id="main">\n${body}\n</main></body></html>\n`
  );
}

function loginState(ctx: PageContext): string {
  if (!ctx.actionsEnabled) return `<p class="who">read-only (the gateway has no token)</p>`;
  if (ctx.access.kind === "read-only")
    return `<p class="who">read-only · <a href="/login?next=${encodeURIComponent(ctx.here)}">log in to act</a></p>`;
  const logout =
    ctx.access.kind === "session"
      ? ` <form method="post" action="/logout" class="inline"><input type="hidden" name="csrf" value="${escapeHtml(ctx.access.csrf)}"><button>log out</button></form>`
      : "";
  return `<p class="who">signed in: actions allowed${logout}</p>`;
}

/** A form that posts an action; its CSRF token is added for a session. */
export function actionForm(
  ctx: PageContext,
  action: string,
  label: string,
  fields: Record<string, string> = {},
): string {
  const hidden = { ...fields, back: ctx.here, ...(ctx.access.kind === "session" ? { csrf: ctx.access.csrf } : {}) };
  const inputs = Object.entries(hidden)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join("");
  return `<form method="post" action="${escapeHtml(action)}" class="inline">${inputs}<button>${escapeHtml(label)}</button></form>`;
}

/** A status in words, coloured by its class. */
export function statusBadge(status: string): string {
  return `<span class="status s-${escapeHtml(status)}">${escapeHtml(status)}</span>`;
}

/** An instant as UTC text in a `<time>` element. */
export function timeText(ms: number | undefined): string {
  if (ms === undefined) return `<span class="muted">—</span>`;
  const iso = new Date(ms).toISOString();
  return `<time datetime="${iso}">${iso.replace("T", " ").slice(0, 19)}</time>`;
}

/** A duration for people: 850 ms, 4.2 s, 3 min 10 s, 2 h 5 min. */
export function durationText(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1_000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

/** JSON for a `<pre>`, cut at `max` characters. */
export function jsonBlock(value: unknown, max = 20_000): string {
  const text = JSON.stringify(value, null, 2) ?? "undefined";
  const cut = text.length > max ? `${text.slice(0, max)}\n… (${text.length - max} more characters)` : text;
  return `<pre>${escapeHtml(cut)}</pre>`;
}

/** A link only for http(s) or site-relative targets; anything else is shown as text. */
export function safeLink(url: string, text: string): string {
  if (!/^(https?:\/\/|\/(?!\/))/i.test(url)) return escapeHtml(text);
  return `<a href="${escapeHtml(url)}" rel="noreferrer">${escapeHtml(text)}</a>`;
}
