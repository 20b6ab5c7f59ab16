/** The Loki source: `/loki/api/v1/query_range` with the configured query around the alert. */
import { z } from "zod";
import type { ContextLog, IncidentSources } from "../../protocol/incident.ts";
import { errorText, getApiData } from "./http.ts";
import { parseLogLine } from "./log-lines.ts";
import { emptyRead, type SourceRead } from "./source-read.ts";
import { windowAround } from "./window.ts";

/** Most lines asked of Loki. */
export const LOKI_LIMIT = 1_000;

const Streams = z.object({
  resultType: z.literal("streams"),
  result: z.array(
    z.object({
      stream: z.record(z.string(), z.string()).default({}),
      // [ns timestamp, line] (Loki 3 may add structured metadata as a third element).
      values: z.array(z.tuple([z.string(), z.string()]).rest(z.unknown())),
    }),
  ),
});

type LokiConfig = NonNullable<IncidentSources["loki"]>;

/** The query_range URL of the configured query around the alert (start and end in nanoseconds). */
export function lokiRangeUrl(config: LokiConfig, alertTime: string): URL {
  const window = windowAround(alertTime, config.window_minutes);
  const url = new URL("loki/api/v1/query_range", config.url.endsWith("/") ? config.url : `${config.url}/`);
  url.searchParams.set("query", config.query);
  url.searchParams.set("start", String(BigInt(window.start) * 1_000_000n));
  url.searchParams.set("end", String(BigInt(window.end) * 1_000_000n));
  url.searchParams.set("limit", String(LOKI_LIMIT));
  return url;
}

/** Loki's streams as context logs, oldest first; the level is the stream's `level` label, else the line's. */
export function parseStreams(data: unknown): ContextLog[] {
  const logs = Streams.parse(data).result.flatMap((r) =>
    r.values.map(([ns, line]) => {
      const parsed = parseLogLine(line, "loki");
      const level = r.stream.level ?? r.stream.detected_level ?? parsed.level;
      const timestamp = new Date(Number(BigInt(ns) / 1_000_000n)).toISOString();
      return { ...parsed, timestamp, ...(level === undefined ? {} : { level: level.toLowerCase() }) };
    }),
  );
  return logs.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
}

/** Reads the Loki source; an error makes it `unreachable` with the error. */
export async function readLoki(
  http: typeof fetch,
  config: LokiConfig,
  alertTime: string,
  signal: AbortSignal,
): Promise<SourceRead> {
  try {
    const logs = parseStreams(await getApiData(http, lokiRangeUrl(config, alertTime), signal));
    return { ...emptyRead("loki", "ok", `${logs.length} lines`), logs };
  } catch (err) {
    return emptyRead("loki", "unreachable", errorText(err));
  }
}
