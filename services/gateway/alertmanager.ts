/**
 * Alertmanager's webhook payload (version 4, as documented for `webhook_config`) and how its
 * firing alerts become incident-swarm starts: one per alert, under an id made of the alert's
 * fingerprint and start time, so that the same alert sent again is the same workflow.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { IncidentHookConfig } from "../../infra/config.ts";
import type { Alert, Severity } from "../../protocol/incident.ts";
import { IncidentInput } from "../../protocol/incident-swarm.ts";

const Strings = z.record(z.string(), z.string());
const Time = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "must be an RFC 3339 time");

/** One alert of the payload. */
const AlertmanagerAlert = z.object({
  status: z.enum(["firing", "resolved"]),
  labels: Strings,
  annotations: Strings.default({}),
  startsAt: Time,
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
});
type AlertmanagerAlert = z.infer<typeof AlertmanagerAlert>;

/** The payload Alertmanager POSTs to a webhook receiver. */
export const AlertmanagerPayload = z.object({
  version: z.literal("4"),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().min(0).optional(),
  status: z.enum(["firing", "resolved"]),
  receiver: z.string(),
  groupLabels: Strings,
  commonLabels: Strings,
  commonAnnotations: Strings,
  externalURL: z.string(),
  alerts: z.array(AlertmanagerAlert),
});
export type AlertmanagerPayload = z.infer<typeof AlertmanagerPayload>;

/** A workflow to start for one firing alert. */
export interface IncidentStart {
  id: string;
  input: IncidentInput;
}

/** A firing alert that starts nothing, and why. */
export interface SkippedAlert {
  id: string;
  reason: string;
}

/** Alertmanager's (and Prometheus rules') severity words → patchbay's; anything else is `high`. */
const SEVERITY_WORDS: Record<string, Severity> = {
  critical: "critical",
  page: "critical",
  emergency: "critical",
  fatal: "critical",
  high: "high",
  error: "high",
  major: "high",
  medium: "medium",
  warning: "medium",
  warn: "medium",
  low: "low",
  minor: "low",
  info: "info",
  informational: "info",
  none: "info",
};

/** The severity of `label` (case-insensitive); unknown or missing → `high`. */
export function severityOf(label: string | undefined): Severity {
  return SEVERITY_WORDS[(label ?? "").trim().toLowerCase()] ?? "high";
}

/** `am-<fingerprint>-<startsAt as 20240115T143200000Z>`; without a fingerprint, a hash of the labels. */
export function alertId(alert: AlertmanagerAlert): string {
  const sorted = Object.entries(alert.labels).sort(([a], [b]) => a.localeCompare(b));
  const fingerprint =
    alert.fingerprint?.replace(/[^A-Za-z0-9]/g, "").slice(0, 64) ||
    createHash("sha256").update(JSON.stringify(sorted)).digest("hex").slice(0, 16);
  return `am-${fingerprint}-${new Date(alert.startsAt).toISOString().replace(/[-:.]/g, "")}`;
}

/** The alert as incident-swarm takes it; annotations that are numbers are its metrics. */
export function toAlert(alert: AlertmanagerAlert, service: string): Alert {
  const { labels, annotations } = alert;
  const metrics = Object.fromEntries(
    Object.entries(annotations)
      .filter(([, v]) => v.trim() !== "" && Number.isFinite(Number(v)))
      .map(([k, v]) => [k, Number(v)]),
  );
  return {
    id: alertId(alert),
    severity: severityOf(labels.severity),
    service,
    message: annotations.summary || annotations.description || labels.alertname || "alert",
    timestamp: new Date(alert.startsAt).toISOString(),
    ...(Object.keys(metrics).length > 0 ? { metrics } : {}),
    labels: { ...labels, ...annotations },
  };
}

/** The starts of the payload's firing alerts, and the firing alerts that cannot start. */
export function incidentStarts(
  payload: AlertmanagerPayload,
  config: IncidentHookConfig,
): { starts: IncidentStart[]; skipped: SkippedAlert[] } {
  const starts: IncidentStart[] = [];
  const skipped: SkippedAlert[] = [];
  for (const alert of payload.alerts.filter((a) => a.status === "firing")) {
    const id = alertId(alert);
    const service = alert.labels.service || alert.labels.job;
    const repo = service === undefined ? undefined : (config.repos[service] ?? config.repo);
    if (service === undefined) skipped.push({ id, reason: "the alert has no service or job label" });
    else if (repo === undefined) skipped.push({ id, reason: `no repository configured for service '${service}'` });
    else {
      const input = IncidentInput.parse({
        alert: toAlert(alert, service),
        repo,
        auto_merge_severities: config.autoMergeSeverities,
      });
      starts.push({ id, input });
    }
  }
  return { starts, skipped };
}
