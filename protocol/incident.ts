/**
 * incident-swarm's data: the alert, where context comes from, the context a diagnoser
 * gathers, a diagnosis, and the consensus. Its task contracts and result are in
 * incident-swarm.ts.
 */
import { z } from "zod";
import { Usage } from "./usage.ts";

/** Alert severities, most urgent first. */
export const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

/** A log line: plain text, or a structured entry. */
export const LogLine = z.union([
  z.string(),
  z.object({ timestamp: z.string().optional(), level: z.string().optional(), message: z.string() }),
]);

/** The alert, as the seed and Alertmanager carry it. */
export const Alert = z.object({
  /** Also names the postmortem file: letters, digits, `-`, `_`, `.`. */
  id: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, "letters, digits, '.', '_' and '-' only"),
  severity: Severity,
  service: z.string().min(1),
  message: z.string().min(1),
  /** ISO 8601 with an offset or `Z`. */
  timestamp: z.iso.datetime({ offset: true }),
  /** Figures the alert carries, e.g. `active_connections`, `max_connections`, `error_rate`. */
  metrics: z.record(z.string(), z.number()).optional(),
  logs: z.array(LogLine).optional(),
  /** Alertmanager labels and annotations, kept as given. */
  labels: z.record(z.string(), z.string()).optional(),
});
export type Alert = z.infer<typeof Alert>;

/** Where context comes from besides the alert; a source that cannot be reached is reported, not fatal. */
export const IncidentSources = z.object({
  /** A Prometheus HTTP API: each query is read with `/api/v1/query_range` around the alert. */
  prometheus: z
    .object({
      url: z.url(),
      queries: z.record(z.string(), z.string()).default({}),
      window_minutes: z.number().int().min(1).max(1440).default(30),
    })
    .optional(),
  /** A Loki API: `/loki/api/v1/query_range` with `query` around the alert. */
  loki: z
    .object({ url: z.url(), query: z.string().min(1), window_minutes: z.number().int().min(1).max(1440).default(30) })
    .optional(),
  /** Log files to read (paths relative to the service repository, or absolute on the diagnoser's machine). */
  log_files: z.array(z.string().min(1)).default([]),
  /** The service repository's commits of the last N days are read as recent changes. */
  changes_days: z.number().int().min(0).max(365).default(7),
});
export type IncidentSources = z.infer<typeof IncidentSources>;

/** One log entry of the context, with where it came from. */
export const ContextLog = z.object({
  timestamp: z.string().optional(),
  level: z.string().optional(),
  message: z.string(),
  source: z.string(),
});
export type ContextLog = z.infer<typeof ContextLog>;

/** A Prometheus series around the alert: `[unix seconds, value]` points. */
export const MetricSeries = z.object({
  name: z.string(),
  query: z.string(),
  labels: z.record(z.string(), z.string()).default({}),
  points: z.array(z.tuple([z.number(), z.number()])),
});
export type MetricSeries = z.infer<typeof MetricSeries>;

/** A commit of the service repository before the alert. */
export const RecentChange = z.object({
  sha: z.string(),
  /** ISO 8601 commit date. */
  date: z.string(),
  author: z.string(),
  subject: z.string(),
  files: z.array(z.string()),
  /** The diff of configuration files it touched (JSON, YAML, .env, .ini, .toml, .properties), clipped. */
  config_diff: z.string().optional(),
});
export type RecentChange = z.infer<typeof RecentChange>;

/** How one source fared. */
export const SourceReport = z.object({
  source: z.string(),
  status: z.enum(["ok", "unreachable", "not_configured"]),
  detail: z.string().optional(),
});

/** What the diagnosers read: the alert, its metrics and logs, series, logs from sources, recent changes. */
export const IncidentContext = z.object({
  alert: Alert,
  /** The alert's metrics, plus the latest value of every Prometheus series (by its query name). */
  metrics: z.record(z.string(), z.number()),
  series: z.array(MetricSeries),
  logs: z.array(ContextLog),
  changes: z.array(RecentChange),
  /** Configuration files of the service repository that set limits (pool sizes, timeouts, memory), clipped. */
  configs: z.array(z.object({ file: z.string(), text: z.string() })),
  sources: z.array(SourceReport),
});
export type IncidentContext = z.infer<typeof IncidentContext>;

/**
 * Cause categories. The remediation catalogue is keyed by them; equivalent causes share a
 * category and a normalised cause text.
 */
export const CAUSE_CATEGORIES = [
  "connection-pool",
  "memory-limit",
  "timeout",
  "retries",
  "capacity",
  "bad-change",
  "dependency",
  "error-spike",
  "unknown",
] as const;
export const CauseCategory = z.enum(CAUSE_CATEGORIES);
export type CauseCategory = z.infer<typeof CauseCategory>;

/** The offline diagnosis methods, and `model` when a model is configured. */
export const DIAGNOSIS_METHODS = ["saturation", "log-clustering", "change-correlation", "model"] as const;
export const DiagnosisMethod = z.enum(DIAGNOSIS_METHODS);
export type DiagnosisMethod = z.infer<typeof DiagnosisMethod>;

/** One diagnoser's answer. Its confidence comes from its evidence by its method's documented rule. */
export const Diagnosis = z.object({
  agent: z.string(),
  method: DiagnosisMethod,
  root_cause: z.string(),
  category: CauseCategory,
  confidence: z.number().min(0).max(1),
  evidence: z.array(z.string()),
  /** What the `model` method's requests cost (the coordinator adds it to the workflow's usage). */
  usage: Usage.optional(),
});
export type Diagnosis = z.infer<typeof Diagnosis>;

/** The consensus of the diagnoses (seed's ConsensusResult; diagnoses named by agent). */
export const Consensus = z.object({
  root_cause: z.string(),
  category: CauseCategory,
  /** Rounded to two decimals. */
  confidence: z.number().min(0).max(1),
  supporting_diagnoses: z.array(z.string()),
  conflicting_diagnoses: z.array(z.string()),
  /** Agents that failed or timed out. */
  missing: z.array(z.string()),
  /** `majority` (a group holds more than half of the answers) or `highest` (none does). */
  rule: z.enum(["majority", "highest", "none"]),
});
export type Consensus = z.infer<typeof Consensus>;
