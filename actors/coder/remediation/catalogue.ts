/**
 * The remediation catalogue, keyed by the consensus's cause category: which settings each
 * category changes (by key name), the rule giving their new value, its cap, the alert rule that
 * watches the resource afterwards, and how to check it. docs/incident.md, "Remediation
 * catalogue", documents the same table.
 */
import type { CauseCategory } from "../../../protocol/incident.ts";
import type { QuantityKind } from "./quantities.ts";

/** The alert rule a fix adds, for a service (its PromQL and words). */
export interface WatchRule {
  /** Appended to the service's name in PascalCase, e.g. `DbPoolSaturation`. */
  suffix: string;
  expr(service: string, changedBases: number[]): string;
  summary(service: string): string;
}

/** One category's remediation. */
export interface RemediationEntry {
  category: CauseCategory;
  /** What is changed, in words, e.g. "connection pool size". */
  resource: string;
  /** Matched against the setting's key path in lower case without `_`, `-` and `.`. */
  keys: RegExp;
  /** Key paths never changed even when `keys` matches (normalised the same way). */
  exclude?: RegExp;
  /** A number inside a string value, e.g. `--max-old-space-size=512` in `NODE_OPTIONS`; group 1 is the number. */
  inValue?: { name: string; pattern: RegExp; unit: string };
  kind: QuantityKind;
  /** `next` in words, e.g. "doubled". */
  rule: string;
  /** The new value (base units) from the current one. */
  next(current: number): number;
  /** The largest value (base units) a fix sets when the configuration states no lower limit. */
  cap: number;
  /** The runbook's file name under docs/runbooks/ when no runbook mentions the settings. */
  topic: string;
  watch: WatchRule;
}

const sel = (service: string) => `{service=${JSON.stringify(service)}}`;
const double = (current: number) => current * 2;

const CONNECTION_POOL: RemediationEntry = {
  category: "connection-pool",
  resource: "connection pool size",
  keys: /(maxconnections|poolsize|poolmax|maxpool|connectionlimit)$/,
  kind: "count",
  rule: "doubled",
  next: double,
  cap: 1000,
  topic: "database",
  watch: {
    suffix: "DbPoolSaturation",
    expr: (s) =>
      `max by (service)(db_pool_active_connections${sel(s)}) / max by (service)(db_pool_max_connections${sel(s)}) > 0.9`,
    summary: (s) => `${s} uses more than 90% of its database connection pool`,
  },
};

const TIMEOUT: RemediationEntry = {
  category: "timeout",
  resource: "timeout",
  keys: /timeout(ms|millis|milliseconds|s|sec|secs|seconds)?$/,
  kind: "duration",
  rule: "doubled",
  next: double,
  cap: 120_000,
  topic: "timeouts",
  watch: {
    suffix: "LatencyNearTimeout",
    expr: (s, bases) =>
      `histogram_quantile(0.99, sum by (le)(rate(http_request_duration_seconds_bucket${sel(s)}[5m]))) > ${(0.8 * Math.min(...bases)) / 1000}`,
    summary: (s) => `${s}'s p99 latency is above 80% of its raised timeout`,
  },
};

const MEMORY_LIMIT: RemediationEntry = {
  category: "memory-limit",
  resource: "memory limit",
  keys: /(memory|memorylimit|memlimit|maxmemory|heapsize|heapmb|maxoldspacesize)$/,
  exclude: /requests/,
  inValue: { name: "--max-old-space-size", pattern: /--max-old-space-size=(\d+)/, unit: "mb" },
  kind: "memory",
  rule: "doubled",
  next: double,
  cap: 16 * 1024 ** 3,
  topic: "memory",
  watch: {
    suffix: "MemoryNearLimit",
    expr: (s) =>
      `max by (container)(container_memory_working_set_bytes{container=${JSON.stringify(s)}}) / max by (container)(container_spec_memory_limit_bytes{container=${JSON.stringify(s)}}) > 0.9`,
    summary: (s) => `${s} uses more than 90% of its memory limit`,
  },
};

const RETRIES: RemediationEntry = {
  category: "retries",
  resource: "retry count",
  keys: /(retries|maxretries|retrycount|retrylimit|maxattempts)$/,
  kind: "count",
  rule: "halved, at least 1",
  next: (current) => Math.max(1, Math.floor(current / 2)),
  cap: 10,
  topic: "retries",
  watch: {
    suffix: "RetryStorm",
    expr: (s) =>
      `sum(rate(http_client_retries_total${sel(s)}[5m])) / sum(rate(http_client_requests_total${sel(s)}[5m])) > 0.1`,
    summary: (s) => `more than 10% of ${s}'s outgoing requests are retries`,
  },
};

const CAPACITY: RemediationEntry = {
  category: "capacity",
  resource: "replica count",
  keys: /(replicas|replicacount|instances|numinstances|webconcurrency)$/,
  kind: "count",
  rule: "doubled",
  next: double,
  cap: 20,
  topic: "capacity",
  watch: {
    suffix: "CpuSaturation",
    expr: (s) => `avg by (service)(rate(process_cpu_seconds_total${sel(s)}[5m])) > 0.8`,
    summary: (s) => `${s}'s instances use more than 80% of a CPU on average`,
  },
};

/** The catalogue: one entry per category a configuration change can remedy. */
export const REMEDIATIONS: readonly RemediationEntry[] = [CONNECTION_POOL, TIMEOUT, MEMORY_LIMIT, RETRIES, CAPACITY];

/** The entry of `category`, if the catalogue has one. */
export function remediationFor(category: CauseCategory): RemediationEntry | undefined {
  return REMEDIATIONS.find((entry) => entry.category === category);
}

/** A key path as `keys` sees it: lower case, without `_`, `-` and `.`. */
export function normalisedKey(path: string): string {
  return path.toLowerCase().replace(/[_.-]/g, "");
}
