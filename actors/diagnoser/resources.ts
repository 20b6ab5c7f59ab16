/**
 * The limited resources a diagnoser knows: the words by which an alert names one, and the
 * setting keys that limit it (a pool size, a memory limit…).
 */
import type { Alert, CauseCategory } from "../../protocol/incident.ts";

/** A limited resource and the cause category its exhaustion is. */
export interface Resource {
  category: Extract<CauseCategory, "connection-pool" | "memory-limit" | "timeout" | "capacity">;
  /** Words of an alert's message, labels or metric names that name the resource. */
  alertWords: RegExp;
  /** Setting keys (YAML, JSON, .env…) that limit it. */
  settingKeys: RegExp;
}

/** The resources, the most specific first. */
export const RESOURCES: readonly Resource[] = [
  { category: "connection-pool", alertWords: /connection|\bpool/i, settingKeys: /pool|max_?connections|maxconn/i },
  { category: "memory-limit", alertWords: /memory|\boom|heap/i, settingKeys: /mem|heap/i },
  { category: "timeout", alertWords: /time(d)? ?out|deadline/i, settingKeys: /timeout|deadline/i },
  {
    category: "capacity",
    alertWords: /cpu|queue|capacity|saturat/i,
    settingKeys: /replicas|workers|threads|cpu|queue/i,
  },
];

/** The resource a setting key limits, if any. */
export function resourceOfSetting(key: string): Resource | undefined {
  return RESOURCES.find((r) => r.settingKeys.test(key));
}

/** The resources the alert names in its message, labels or metric names. */
export function resourcesOfAlert(alert: Alert): Resource[] {
  const text = [alert.message, ...Object.values(alert.labels ?? {}), ...Object.keys(alert.metrics ?? {})].join(" ");
  return RESOURCES.filter((r) => r.alertWords.test(text));
}
