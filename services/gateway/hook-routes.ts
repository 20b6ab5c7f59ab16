/**
 * `POST /hooks/alertmanager`: Alertmanager's webhook. Every firing alert starts one
 * incident-swarm workflow (alertmanager.ts); the same alert sent again starts nothing new.
 * Answers 202 with what was started, what already was, and what could not start; a malformed
 * payload is 400 and starts nothing; with PATCHBAY_HOOK_TOKEN set, a request without that
 * bearer token is 401.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { IncidentHookConfig } from "../../infra/config.ts";
import type { PatchbayClient } from "../../infra/client/index.ts";
import { AlertmanagerPayload, incidentStarts } from "./alertmanager.ts";
import { readBody, sendJson } from "./respond.ts";

/** The path of the webhook. */
export const ALERTMANAGER_HOOK = "/hooks/alertmanager";
/** The workflow an alert starts. */
const WORKFLOW = "incident-swarm";
/** The largest payload read. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Serves the webhook; `config` undefined when the gateway has no incident settings. */
export async function serveAlertHook(
  client: PatchbayClient,
  config: IncidentHookConfig | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (config?.hookToken !== undefined && !bearerMatches(req.headers.authorization, config.hookToken)) {
    res.setHeader("www-authenticate", "Bearer");
    return sendJson(res, 401, error("UNAUTHORIZED", "a valid bearer token is required"));
  }
  if (config === undefined || (config.repo === undefined && Object.keys(config.repos).length === 0))
    return sendJson(res, 503, error("NOT_CONFIGURED", "set PATCHBAY_INCIDENT_REPO or PATCHBAY_INCIDENT_REPOS"));
  const body = await readBody(req, MAX_BODY_BYTES);
  if (body === undefined) return sendJson(res, 413, error("TOO_LARGE", `the payload exceeds ${MAX_BODY_BYTES} bytes`));
  const parsed = AlertmanagerPayload.safeParse(parseJson(body));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return sendJson(res, 400, error("INVALID_INPUT", `${issue?.path.join(".") || "payload"}: ${issue?.message}`));
  }
  const { starts, skipped } = incidentStarts(parsed.data, config);
  const started: string[] = [];
  const already: string[] = [];
  for (const start of starts) {
    if (await client.startNew(WORKFLOW, start.input, start.id)) started.push(start.id);
    else already.push(start.id);
  }
  sendJson(res, 202, { started, already_running: already, skipped });
}

function error(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

/** Whether `header` is `Bearer <token>`, compared in constant time. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1] ?? "";
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(token)) && given.length > 0;
}

/** The JSON value of `text`; undefined (refused by the schema) when it is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
