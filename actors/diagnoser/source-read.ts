/** What one context source gives: its share of the context and its report. */
import type { ContextLog, IncidentContext, MetricSeries } from "../../protocol/incident.ts";

/** How one source fared: ok, unreachable (with the error) or not_configured. */
export type SourceReport = IncidentContext["sources"][number];

/** A source's series, metrics and logs, and how it fared. */
export interface SourceRead {
  series: MetricSeries[];
  metrics: Record<string, number>;
  logs: ContextLog[];
  report: SourceReport;
}

/** A source that gives nothing, reported with `status`. */
export function emptyRead(source: string, status: SourceReport["status"], detail?: string): SourceRead {
  return { series: [], metrics: {}, logs: [], report: { source, status, ...(detail === undefined ? {} : { detail }) } };
}
