/**
 * The Prometheus source: each named query read with `/api/v1/query_range` around the alert;
 * each series kept, and the query's latest value (the highest across its series) as a metric.
 */
import { z } from "zod";
import type { IncidentSources, MetricSeries } from "../../protocol/incident.ts";
import { errorText, getApiData } from "./http.ts";
import { emptyRead, type SourceRead } from "./source-read.ts";
import { windowAround } from "./window.ts";

/** Most points kept of one series (the latest): the context travels in task messages. */
export const MAX_POINTS = 240;
/** Most series kept of one query (the first the server answers). */
export const MAX_SERIES_PER_QUERY = 10;
/** Points a query asks for at most; the step grows with the window. */
const TARGET_POINTS = 200;

const Matrix = z.object({
  resultType: z.literal("matrix"),
  result: z.array(
    z.object({
      metric: z.record(z.string(), z.string()).default({}),
      values: z.array(z.tuple([z.number(), z.string()])),
    }),
  ),
});

/** The query_range URL of `query` around the alert. */
export function queryRangeUrl(base: string, query: string, alertTime: string, windowMinutes: number): URL {
  const window = windowAround(alertTime, windowMinutes);
  const seconds = (window.end - window.start) / 1000;
  const url = new URL("api/v1/query_range", base.endsWith("/") ? base : `${base}/`);
  url.searchParams.set("query", query);
  url.searchParams.set("start", String(window.start / 1000));
  url.searchParams.set("end", String(window.end / 1000));
  url.searchParams.set("step", String(Math.max(15, Math.ceil(seconds / TARGET_POINTS))));
  return url;
}

/** Prometheus's matrix as series named `name`; points whose value is not finite (NaN, ±Inf) are left out. */
export function parseMatrix(name: string, query: string, data: unknown): MetricSeries[] {
  return Matrix.parse(data)
    .result.slice(0, MAX_SERIES_PER_QUERY)
    .map((r) => ({
      name,
      query,
      labels: r.metric,
      points: r.values
        .map(([t, v]): [number, number] => [t, Number(v)])
        .filter(([, v]) => Number.isFinite(v))
        .slice(-MAX_POINTS),
    }));
}

/** The latest value of each series; the highest of them, or undefined when no series has a point. */
export function latestValue(series: readonly MetricSeries[]): number | undefined {
  const latest = series.flatMap((s) => s.points.slice(-1).map(([, v]) => v));
  return latest.length === 0 ? undefined : Math.max(...latest);
}

type PrometheusConfig = NonNullable<IncidentSources["prometheus"]>;

/** Reads every query; one that fails makes the source `unreachable` (named in the detail), the others are kept. */
export async function readPrometheus(
  http: typeof fetch,
  config: PrometheusConfig,
  alertTime: string,
  signal: AbortSignal,
): Promise<SourceRead> {
  const queries = Object.entries(config.queries);
  if (queries.length === 0) return emptyRead("prometheus", "not_configured", "no queries");
  const read = emptyRead("prometheus", "ok");
  const failures: string[] = [];
  for (const [name, query] of queries) {
    try {
      const url = queryRangeUrl(config.url, query, alertTime, config.window_minutes);
      const series = parseMatrix(name, query, await getApiData(http, url, signal));
      read.series.push(...series);
      const latest = latestValue(series);
      if (latest !== undefined) read.metrics[name] = latest;
    } catch (err) {
      failures.push(`${name}: ${errorText(err)}`);
    }
  }
  const ok = `${read.series.length} series from ${queries.length - failures.length} of ${queries.length} queries`;
  read.report =
    failures.length === 0
      ? { source: "prometheus", status: "ok", detail: ok }
      : { source: "prometheus", status: "unreachable", detail: `${failures.join("; ")} (${ok})` };
  return read;
}
