/**
 * Local HTTP servers answering as Prometheus (`/api/v1/query_range`, a matrix) and Loki
 * (`/loki/api/v1/query_range`, streams) do, in their real JSON formats, over node:http. Each
 * answers only the points inside the asked range (Loki: up to `limit` lines), records the
 * requests, and answers an unknown Prometheus query with Prometheus's 400 `bad_data` error.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ExecutionContext } from "ava";

/** A Prometheus series: its labels and `[unix seconds, "value"]` points. */
export interface PromSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

/** A Loki stream: its labels and `["<ns timestamp>", "line"]` values. */
export interface LokiStream {
  stream: Record<string, string>;
  values: [string, string][];
}

/** A running server: its base URL and the requests it answered. */
export interface ObservabilityServer {
  url: string;
  requests: URL[];
}

type Answer = (url: URL) => { status: number; body: unknown };

async function serve(t: ExecutionContext, answer: Answer): Promise<ObservabilityServer> {
  const requests: URL[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    requests.push(url);
    const { status, body } = answer(url);
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

const notFound = { status: 404, body: { status: "error", errorType: "not_found", error: "not found" } };

/** A Prometheus answering `query_range` for the queries of `series` (by query text). */
export function startPrometheus(
  t: ExecutionContext,
  series: Record<string, PromSeries[]>,
): Promise<ObservabilityServer> {
  return serve(t, (url) => {
    if (url.pathname !== "/api/v1/query_range") return notFound;
    const query = url.searchParams.get("query") ?? "";
    const [start, end] = [Number(url.searchParams.get("start")), Number(url.searchParams.get("end"))];
    const known = series[query];
    if (!known)
      return { status: 400, body: { status: "error", errorType: "bad_data", error: `parse error: ${query}` } };
    const result = known.map((s) => ({
      metric: s.metric,
      values: s.values.filter(([at]) => at >= start && at <= end),
    }));
    return { status: 200, body: { status: "success", data: { resultType: "matrix", result } } };
  });
}

/** A Loki answering `query_range` for `query` with `streams`, newest lines first up to `limit`. */
export function startLoki(t: ExecutionContext, query: string, streams: LokiStream[]): Promise<ObservabilityServer> {
  return serve(t, (url) => {
    if (url.pathname !== "/loki/api/v1/query_range") return notFound;
    if (url.searchParams.get("query") !== query) return { status: 400, body: "parse error" };
    const [start, end] = [BigInt(url.searchParams.get("start") ?? "0"), BigInt(url.searchParams.get("end") ?? "0")];
    let left = Number(url.searchParams.get("limit") ?? "100");
    const result = streams.map((s) => {
      const inRange = s.values.filter(([ns]) => BigInt(ns) >= start && BigInt(ns) <= end).reverse();
      const values = inRange.slice(0, Math.max(0, left));
      left -= values.length;
      return { stream: s.stream, values };
    });
    return { status: 200, body: { status: "success", data: { resultType: "streams", result } } };
  });
}

/** A URL where nothing listens (a port bound, then released). */
export async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
