/**
 * Log lines as the context holds them: a timestamp and level read from a plain or JSON line,
 * normalised to ISO 8601 (a timestamp without an offset is taken as UTC).
 */
import type { Alert, ContextLog } from "../../protocol/incident.ts";

/** Longest message kept of one line. */
export const MAX_MESSAGE_CHARS = 500;

const LEADING_TIME = /^\s*\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)\]?\s*/i;
const LEVEL = /\b(TRACE|DEBUG|INFO|WARN(?:ING)?|ERROR|ERR|FATAL|CRIT(?:ICAL)?|PANIC)\b/i;

/** `text` as an ISO 8601 instant, or undefined when it is not a date. */
export function isoTime(text: string): string | undefined {
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`;
  const ms = Date.parse(withZone.replace(" ", "T").replace(",", "."));
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** A structured entry's fields, when `line` is a JSON object with a message. */
function fromJson(line: string, source: string): ContextLog | undefined {
  if (!line.trimStart().startsWith("{")) return undefined;
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const message = json.message ?? json.msg ?? json.error;
  if (typeof message !== "string") return undefined;
  const time = [json.timestamp, json.time, json.ts, json["@timestamp"]].find((v) => typeof v === "string");
  const level = [json.level, json.severity, json.lvl].find((v) => typeof v === "string");
  return entry(message, source, time === undefined ? undefined : isoTime(time as string), level as string | undefined);
}

function entry(message: string, source: string, timestamp?: string, level?: string): ContextLog {
  return {
    message: message.slice(0, MAX_MESSAGE_CHARS),
    source,
    ...(timestamp === undefined ? {} : { timestamp }),
    ...(level === undefined ? {} : { level: level.toLowerCase() }),
  };
}

/** One line of text from `source` as a context log: its leading timestamp (taken off the message) and its level. */
export function parseLogLine(line: string, source: string): ContextLog {
  const json = fromJson(line, source);
  if (json) return json;
  const time = LEADING_TIME.exec(line);
  const rest = time ? line.slice(time[0].length) : line;
  const level = LEVEL.exec(rest)?.[1];
  return entry(rest.trim(), source, time ? isoTime(time[1]) : undefined, level);
}

/** The alert's own logs (strings or structured entries), with source `alert`. */
export function alertLogs(logs: NonNullable<Alert["logs"]>): ContextLog[] {
  return logs.map((l) => {
    if (typeof l === "string") return parseLogLine(l, "alert");
    const timestamp = l.timestamp === undefined ? undefined : (isoTime(l.timestamp) ?? l.timestamp);
    return entry(l.message, "alert", timestamp, l.level);
  });
}
