/**
 * The console's actions, each a POST that {@link ConsoleAuth} must allow: a signal (approve,
 * reject, …), cancel, reset to an event, and a DLQ message's replay or discard; plus login
 * and logout. A form post (`application/x-www-form-urlencoded`) is answered with a redirect
 * back to its page, or an error page; any other body is JSON and gets JSON.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { PatchbayClient } from "../../../infra/client/index.ts";
import { ErrorCode, TerminalError, ensureError } from "../../../protocol/errors.ts";
import { readBody, sendJson } from "../respond.ts";
import { LOGOUT_COOKIE, type ConsoleAuth } from "./auth.ts";
import { consolePage, escapeHtml, sendPage, type PageContext } from "./layout.ts";
import { loginPage } from "./login-page.ts";

const MAX_FORM_BYTES = 64 * 1024;

/** One POST's fields, from a form or a JSON object. */
interface ActionRequest {
  form: boolean;
  fields: Record<string, unknown>;
}

type Action = (client: PatchbayClient, fields: Record<string, unknown>) => Promise<unknown>;

/** The actions by path. */
function actionFor(pathname: string): Action | undefined {
  const wf = /^\/api\/workflows\/([A-Za-z0-9_-]{1,128})\/(signal|cancel|reset)$/.exec(pathname);
  if (wf) {
    const id = wf[1];
    if (wf[2] === "cancel") return (c) => c.signal(id, "cancel");
    if (wf[2] === "reset") return (c, f) => c.reset(id, intField(f, "event"));
    return (c, f) => c.signal(id, signalName(f.name), f.payload);
  }
  const dlq = /^\/api\/dlq\/(\d+)\/(replay|discard)$/.exec(pathname);
  if (dlq) {
    const seq = Number(dlq[1]);
    return dlq[2] === "replay" ? (c) => c.replayDlq(seq) : (c) => c.discardDlq(seq);
  }
  return undefined;
}

/** Serves a console POST; returns false when the path is not one. */
export async function serveAction(
  client: PatchbayClient,
  auth: ConsoleAuth,
  pathname: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const action = actionFor(pathname);
  if (pathname === "/login") await login(auth, req, res);
  else if (pathname === "/logout") logout(res);
  else if (action) await runAction(client, auth, action, req, res);
  else return false;
  return true;
}

/** Runs `action` if the request may, answering as a form post or as JSON. */
async function runAction(
  client: PatchbayClient,
  auth: ConsoleAuth,
  action: Action,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readAction(req);
  const refusal = auth.refusal(req, typeof body.fields.csrf === "string" ? body.fields.csrf : undefined);
  if (refusal) {
    const headers: Record<string, string> =
      refusal.status === 401 ? { "www-authenticate": 'Bearer realm="patchbay"' } : {};
    return answerError(res, body.form, refusal.status, refusal.code, refusal.message, headers);
  }
  try {
    const result = await action(client, body.fields);
    if (body.form) redirect(res, backOf(body.fields));
    else sendJson(res, 200, { ok: true, ...(result === undefined ? {} : { result }) });
  } catch (err) {
    const e = ensureError(err);
    answerError(res, body.form, statusOf(e.code), e.code, e.message);
  }
}

async function readAction(req: IncomingMessage): Promise<ActionRequest> {
  const text = (await readBody(req, MAX_FORM_BYTES)) ?? "";
  const form = (req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded");
  if (form) return { form, fields: Object.fromEntries(new URLSearchParams(text)) };
  try {
    const parsed = text.trim() ? (JSON.parse(text) as unknown) : {};
    return { form, fields: typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {} };
  } catch {
    return { form, fields: {} };
  }
}

async function login(auth: ConsoleAuth, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { fields } = await readAction(req);
  const next = backOf({ back: fields.next });
  const cookie = typeof fields.token === "string" ? auth.login(fields.token.trim()) : undefined;
  if (!cookie) {
    const ctx: PageContext = { access: { kind: "read-only" }, actionsEnabled: auth.enabled, here: "/login" };
    const status = auth.enabled ? 403 : 409;
    const why = auth.enabled
      ? "That is not the gateway's token."
      : "The gateway has no token: the console is read-only.";
    return sendPage(res, status, consolePage("Log in", loginPage(next, why), ctx));
  }
  res.writeHead(303, { location: next, "set-cookie": cookie, "cache-control": "no-store" });
  res.end();
}

function logout(res: ServerResponse): void {
  res.writeHead(303, { location: "/workflows", "set-cookie": LOGOUT_COOKIE, "cache-control": "no-store" });
  res.end();
}

function redirect(res: ServerResponse, to: string): void {
  res.writeHead(303, { location: to, "cache-control": "no-store" });
  res.end();
}

function answerError(
  res: ServerResponse,
  form: boolean,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (!form) return sendJson(res, status, { error: { code, message } });
  const ctx: PageContext = { access: { kind: "read-only" }, actionsEnabled: true, here: "/workflows" };
  const body = `<h1>Not done</h1><p class="err" role="alert"><code>${escapeHtml(code)}</code> ${escapeHtml(message)}</p><p><a href="/workflows">Workflows</a></p>`;
  sendPage(res, status, consolePage("Not done", body, ctx));
}

/** A site-relative return address, else the list. */
function backOf(fields: Record<string, unknown>): string {
  const back = fields.back;
  return typeof back === "string" && /^\/(?![/\\])/.test(back) ? back : "/workflows";
}

function intField(fields: Record<string, unknown>, name: string): number {
  const n = Number(fields[name]);
  if (!Number.isInteger(n)) throw new TerminalError(ErrorCode.InvalidInput, `${name}: a whole number is required`);
  return n;
}

function signalName(name: unknown): string {
  if (typeof name !== "string" || !/^[A-Za-z0-9_-]{1,64}$/.test(name) || name === "reset")
    throw new TerminalError(
      ErrorCode.InvalidInput,
      "name: a signal name such as approve or reject (reset has its own action)",
    );
  return name;
}

function statusOf(code: string): number {
  if (code === ErrorCode.NotFound) return 404;
  if (code === ErrorCode.InvalidInput || code === ErrorCode.ResetInvalid) return 400;
  return code.endsWith("_INVALID") || code.startsWith("INVALID") ? 400 : 500;
}
