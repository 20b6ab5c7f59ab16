/**
 * The `saturation` method: usage against limits in the context's metrics.
 *
 * Confidence rule (docs/incident.md, "Diagnosers"): take the most saturated resource, its
 * ratio r = usage ÷ limit (the limit from the metrics, else from a configuration file).
 * Below 80 % there is no saturation evidence (category unknown, confidence 0). From 80 %,
 * confidence = 0.4 + 2 × (min(r, 1) − 0.8), i.e. 0.4 at 80 % and 0.8 at 100 % or more, plus
 * 0.1 when the alert names the resource (its message, labels or metric names) and 0.1 when a
 * configuration file sets the same limit as the metrics, at most 0.95.
 */
import type { Diagnosis, IncidentContext } from "../../protocol/incident.ts";
import { diagnosisOf, noEvidence } from "./causes.ts";
import { RESOURCES, resourcesOfAlert, type Resource } from "./resources.ts";
import { configCeilings } from "./settings.ts";

/** Below this ratio a resource is not saturated. */
export const SATURATED = 0.8;
const MAX_CONFIDENCE = 0.95;

/** Metric names of a resource's usage and limit (the first present is used). */
interface UsagePair {
  category: Resource["category"];
  usage: readonly string[];
  limit: readonly string[];
}

const PAIRS: readonly UsagePair[] = [
  {
    category: "connection-pool",
    usage: ["active_connections", "db_connections_active", "connections_active", "pool_active", "db_pool_active"],
    limit: ["max_connections", "db_connections_max", "connections_max", "pool_max", "pool_size", "db_pool_max"],
  },
  {
    category: "memory-limit",
    usage: ["memory_used", "memory_usage", "memory_used_bytes", "memory_usage_bytes", "heap_used"],
    limit: ["memory_limit", "memory_limit_bytes", "memory_max", "heap_limit"],
  },
  { category: "capacity", usage: ["cpu_usage", "cpu_used", "cpu_cores_used"], limit: ["cpu_limit", "cpu_cores_limit"] },
  {
    category: "capacity",
    usage: ["queue_depth", "queue_length", "queue_size"],
    limit: ["queue_capacity", "queue_max", "queue_limit"],
  },
];
/** Metrics that already are a percentage of their limit. */
const PERCENTS: readonly { category: Resource["category"]; name: string }[] = [
  { category: "memory-limit", name: "memory_percent" },
  { category: "capacity", name: "cpu_percent" },
];

/** One resource's usage against its limit. */
export interface Reading {
  category: Resource["category"];
  ratio: number;
  /** The figures, e.g. `active_connections 100 of max_connections 100 (100%)`. */
  text: string;
  /** The limit, when it came from the metrics (a configuration file may confirm it). */
  metricLimit?: number;
}

const pct = (ratio: number) => `${Math.round(ratio * 100)}%`;

/** A usage/limit pair's reading: the limit from the metrics, else the first ceiling a config file sets. */
function readPair(pair: UsagePair, context: IncidentContext): Reading | undefined {
  const usage = pair.usage.find((n) => context.metrics[n] !== undefined);
  if (usage === undefined) return undefined;
  const used = context.metrics[usage];
  const limitName = pair.limit.find((n) => context.metrics[n] !== undefined);
  const resource = RESOURCES.find((r) => r.category === pair.category) as Resource;
  const fromConfig = configCeilings(context.configs, resource)[0];
  const limit = limitName === undefined ? fromConfig?.value : context.metrics[limitName];
  if (limit === undefined || limit <= 0) return undefined;
  const source = limitName ?? `${fromConfig?.key} (${fromConfig?.file})`;
  const ratio = used / limit;
  const text = `${usage} ${used} of ${source} ${limit} (${pct(ratio)})`;
  return { category: pair.category, ratio, text, ...(limitName === undefined ? {} : { metricLimit: limit }) };
}

/** Every usage-against-limit reading the context's metrics give. */
export function readings(context: IncidentContext): Reading[] {
  const pairs = PAIRS.flatMap((p) => readPair(p, context) ?? []);
  const percents = PERCENTS.flatMap(({ category, name }) => {
    const value = context.metrics[name];
    return value === undefined
      ? []
      : [{ category, ratio: value / 100, text: `${name} ${value} (${pct(value / 100)})` }];
  });
  return [...pairs, ...percents];
}

/** Evidence that corroborates a saturated reading: the alert names it, a config sets the same limit. */
function corroborations(context: IncidentContext, top: Reading): string[] {
  const found: string[] = [];
  if (resourcesOfAlert(context.alert).some((r) => r.category === top.category)) {
    found.push(`the alert names the ${top.category}: "${context.alert.message}"`);
  }
  const resource = RESOURCES.find((r) => r.category === top.category) as Resource;
  const same = configCeilings(context.configs, resource).filter((c) => c.value === top.metricLimit);
  if (same.length > 0) found.push(same.map((c) => `${c.file} sets ${c.key}: ${c.value}`).join(", "));
  return found;
}

/** The saturation diagnosis of `context`. */
export function diagnoseSaturation(agent: string, context: IncidentContext): Diagnosis {
  const all = readings(context).sort((a, b) => b.ratio - a.ratio);
  const top = all[0];
  if (top === undefined || top.ratio < SATURATED)
    return noEvidence(
      agent,
      "saturation",
      all.map((r) => r.text),
    );
  const extra = corroborations(context, top);
  const confidence = Math.min(MAX_CONFIDENCE, 0.4 + 2 * (Math.min(top.ratio, 1) - SATURATED) + 0.1 * extra.length);
  return diagnosisOf(agent, "saturation", top.category, confidence, [...all.map((r) => r.text), ...extra]);
}
