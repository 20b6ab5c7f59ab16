/**
 * A local OTLP/HTTP receiver for end-to-end tests: a node:http server on a free port of
 * 127.0.0.1 that accepts `POST /v1/traces` in OTLP JSON (`application/json`, optionally
 * gzip-encoded), keeps every span with the `service.name` of its resource, and closes when
 * the test ends. Anything that is not JSON is refused with 415 and remembered, so a test can
 * tell that an exporter sent protobuf.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import type { ExecutionContext } from "ava";

/** One span as received, with the service that exported it. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  /** Undefined for a root span. */
  parentSpanId: string | undefined;
  name: string;
  attributes: Record<string, unknown>;
}

/** A request the receiver saw. */
export interface ReceivedRequest {
  method: string;
  path: string;
  contentType: string;
  status: number;
}

/** A running receiver. */
export interface OtlpReceiver {
  /** The base URL for OTEL_EXPORTER_OTLP_ENDPOINT (no trailing slash). */
  endpoint: string;
  /** Every span received so far. */
  spans(): ReceivedSpan[];
  /** Every request received so far. */
  requests(): ReceivedRequest[];
}

/** The OTLP JSON shapes the receiver reads (all else is ignored). */
interface OtlpKeyValue {
  key: string;
  value?: Record<string, unknown>;
}
interface OtlpSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  attributes?: OtlpKeyValue[];
}
interface OtlpTraces {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: Array<{ spans?: OtlpSpan[] }>;
  }>;
}

/** Starts a receiver for the test `t`; it is closed on teardown. */
export async function startOtlpReceiver(t: ExecutionContext): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    void handle(req, res, spans).then((status) => {
      requests.push({
        method: req.method ?? "",
        path: req.url ?? "",
        contentType: req.headers["content-type"] ?? "",
        status,
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, spans: () => [...spans], requests: () => [...requests] };
}

/** Answers one request; returns the status sent. */
async function handle(req: IncomingMessage, res: ServerResponse, into: ReceivedSpan[]): Promise<number> {
  const reply = (status: number, body: string) => {
    res.writeHead(status, { "content-type": "application/json" }).end(body);
    return status;
  };
  try {
    const body = await readBody(req);
    if (req.method !== "POST") return reply(405, `{"error":"POST only"}`);
    if (!(req.headers["content-type"] ?? "").startsWith("application/json"))
      return reply(415, `{"error":"OTLP JSON only"}`);
    if (req.url?.split("?")[0] !== "/v1/traces") return reply(200, "{}"); // metrics or logs: accepted, not kept
    into.push(...spansOf(JSON.parse(body.toString("utf8")) as OtlpTraces));
    return reply(200, "{}");
  } catch (err) {
    return reply(400, JSON.stringify({ error: (err as Error).message }));
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw;
}

/** Flattens an OTLP JSON traces request into spans tagged with their service. */
export function spansOf(request: OtlpTraces): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of request.resourceSpans ?? []) {
    const service = String(attributesOf(rs.resource?.attributes)["service.name"] ?? "unknown");
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        out.push({
          service,
          traceId: hexId(s.traceId),
          spanId: hexId(s.spanId),
          parentSpanId: s.parentSpanId ? hexId(s.parentSpanId) : undefined,
          name: s.name ?? "",
          attributes: attributesOf(s.attributes),
        });
      }
    }
  }
  return out;
}

/** OTLP JSON ids are hex; a base64 id (as some exporters send) is converted to hex. */
function hexId(id: string | undefined): string {
  if (!id) return "";
  return /^([0-9a-f]{16}|[0-9a-f]{32})$/i.test(id) ? id.toLowerCase() : Buffer.from(id, "base64").toString("hex");
}

/** `[{key, value: {stringValue}}]` to `{key: value}`. */
function attributesOf(list: OtlpKeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list ?? []) {
    const v = kv.value ?? {};
    out[kv.key] = v.stringValue ?? v.intValue ?? v.boolValue ?? v.doubleValue ?? v;
  }
  return out;
}
