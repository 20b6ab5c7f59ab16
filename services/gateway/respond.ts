/** How the gateway answers: JSON, or an HTML page with headers that allow no scripts. */
import type { IncomingMessage, ServerResponse } from "node:http";

/** Headers of every HTML page: no scripts, no framing, no sniffing. */
const HTML_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
};

/** Sends an HTML page. */
export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, HTML_HEADERS);
  res.end(html);
}

/** Sends `body` as JSON. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** Whether an `Accept` header asks for JSON rather than HTML (a browser asks for HTML first). */
export function prefersJson(accept: string | undefined): boolean {
  const json = accept?.indexOf("application/json") ?? -1;
  const html = accept?.indexOf("text/html") ?? -1;
  return json >= 0 && (html < 0 || json < html);
}

/** The request's body as text, or undefined when it is larger than `maxBytes`. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
