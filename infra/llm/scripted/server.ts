/**
 * The scripted model server: a real HTTP server speaking the Chat Completions API
 * (`POST /v1/chat/completions`, `GET /v1/models`) that answers from script files
 * (script.ts), serves the faults they ask for, and records every request it gets, so that
 * tests can assert on what the client sent (`GET /_patchbay/requests`). No model runs: the
 * README says so wherever a run uses it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { chooseStep, type RequestMessage, type Script, type ScriptStep } from "./script.ts";

/** One request as the server received it. */
export interface RecordedRequest {
  at: string;
  method: string;
  path: string;
  /** Header names and values as sent (the authorization header included: tests check the bearer). */
  headers: Record<string, string>;
  body: unknown;
  /** `<file>#<step>` of the script that answered, when one did. */
  script?: string;
  /** The HTTP status answered, or `hang`. */
  answered: number | "hang";
}

/** A running scripted server. */
export interface ScriptedServer {
  /** `http://127.0.0.1:<port>/v1`: the base URL a client is given. */
  baseURL: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

function estimateTokens(value: unknown): number {
  return Math.max(1, Math.ceil(JSON.stringify(value ?? "").length / 4));
}

/** The chat.completion body of a scripted answer. */
export function completionOf(answer: ScriptStep, model: string, messages: unknown, n: number): object {
  const content =
    answer.content === undefined
      ? null
      : typeof answer.content === "string"
        ? answer.content
        : JSON.stringify(answer.content);
  const toolCalls = (answer.tool_calls ?? []).map((call, i) => ({
    id: `call_${n}_${i}`,
    type: "function",
    function: { name: call.name, arguments: JSON.stringify(call.arguments) },
  }));
  const usage = answer.usage ?? { prompt_tokens: estimateTokens(messages), completion_tokens: estimateTokens(answer) };
  const message = {
    role: "assistant",
    content,
    refusal: null,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
  };
  return {
    id: `chatcmpl-scripted-${n}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message, finish_reason: toolCalls.length > 0 ? "tool_calls" : "stop", logprobs: null }],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  };
}

/** Serves one chat request; returns what was answered and by which script step. */
function answerChat(
  res: ServerResponse,
  scripts: Script[],
  body: { model?: string; messages?: RequestMessage[] },
  served: Map<string, number>,
  n: number,
): Pick<RecordedRequest, "script" | "answered"> {
  const chosen = chooseStep(scripts, body.messages ?? []);
  if ("error" in chosen) {
    send(res, 400, { error: { message: `scripted model server: ${chosen.error}`, type: "invalid_request_error" } });
    return { answered: 400 };
  }
  const key = `${chosen.script.file}#${chosen.step}`;
  const count = served.get(key) ?? 0;
  served.set(key, count + 1);
  const fault = chosen.answer.faults?.[count];
  if (fault !== undefined && "hang" in fault) return { script: key, answered: "hang" };
  if (fault !== undefined && "invalid_json" in fault) {
    res.writeHead(200, { "content-type": "application/json" }).end('{"choices": [');
    return { script: key, answered: 200 };
  }
  if (fault !== undefined) {
    const headers: Record<string, string> =
      fault.retry_after === undefined ? {} : { "retry-after": String(fault.retry_after) };
    send(res, fault.status, { error: { message: `scripted fault ${fault.status}`, type: "server_error" } }, headers);
    return { script: key, answered: fault.status };
  }
  send(res, 200, completionOf(chosen.answer, body.model ?? "scripted", body.messages, n));
  return { script: key, answered: 200 };
}

function headersOf(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]),
  );
}

/** Starts the server on `host:port` (port 0: a free one). */
export async function startScriptedServer(scripts: Script[], port = 0, host = "127.0.0.1"): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  const served = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    void (async () => {
      const text = await bodyOf(req);
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      let body: unknown = text;
      try {
        body = text === "" ? undefined : JSON.parse(text);
      } catch {
        /* kept as text in the record */
      }
      const record: RecordedRequest = {
        at: new Date().toISOString(),
        method: req.method ?? "GET",
        path,
        headers: headersOf(req),
        body,
        answered: 200,
      };
      if (path === "/_patchbay/requests") return send(res, 200, requests);
      requests.push(record);
      if (req.method === "GET" && path === "/v1/models") {
        const ids = [...new Set(scripts.map((s) => s.role))];
        return send(res, 200, {
          object: "list",
          data: ids.map((id) => ({ id: `scripted-${id}`, object: "model", created: 0, owned_by: "patchbay" })),
        });
      }
      if (req.method === "POST" && path === "/v1/chat/completions") {
        Object.assign(
          record,
          answerChat(res, scripts, body as { messages?: RequestMessage[] }, served, requests.length),
        );
        return;
      }
      record.answered = 404;
      send(res, 404, { error: { message: `scripted model server: no route ${req.method} ${path}` } });
    })();
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  return {
    baseURL: `http://${host}:${address.port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
