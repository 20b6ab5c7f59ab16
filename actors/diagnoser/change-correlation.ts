/**
 * The `change-correlation` method: the service repository's commits before the alert, scored
 * by recency and by what their configuration diff did to the limit the alert is about.
 *
 * Confidence rule (docs/incident.md, "Diagnosers"): each change scores recency × weight, and
 * the best one answers. Recency = 0.5 ^ (hours before the alert ÷ 24): a change a day before
 * counts half. Weight: 0.9 when its diff lowers a limit of the resource the alert names (e.g.
 * a pool size, for "connection pool exhausted"); 0.7 when it changes such a limit otherwise;
 * 0.5 for any other configuration change; 0.3 for a code-only change. The category is the
 * lowered limit's (connection-pool, memory-limit, timeout, capacity), else bad-change. No
 * change before the alert: no evidence (category unknown, confidence 0).
 */
import type { Diagnosis, IncidentContext, RecentChange } from "../../protocol/incident.ts";
import { diagnosisOf, noEvidence, round2 } from "./causes.ts";
import { resourceOfSetting, resourcesOfAlert, type Resource } from "./resources.ts";
import { settingOfLine } from "./settings.ts";

/** A numeric setting a diff changed. */
export interface SettingDiff {
  file: string;
  key: string;
  from: number;
  to: number;
}

/** The numeric settings a unified diff changes (a removed and an added line of one key in one file). */
export function settingDiffs(diff: string): SettingDiff[] {
  const found: SettingDiff[] = [];
  let file = "";
  let removed = new Map<string, number>();
  for (const line of diff.split("\n")) {
    if (line.startsWith("+++ ")) {
      file = line.slice(4).replace(/^b\//, "");
      removed = new Map();
    } else if (line.startsWith("-") && !line.startsWith("---")) {
      const s = settingOfLine(line.slice(1));
      if (s) removed.set(s.key, s.value);
    } else if (line.startsWith("+")) {
      const s = settingOfLine(line.slice(1));
      const from = s && removed.get(s.key);
      if (s && from !== undefined && from !== s.value) found.push({ file, key: s.key, from, to: s.value });
    }
  }
  return found;
}

/** One change's score and what it is based on. */
interface Scored {
  change: RecentChange;
  confidence: number;
  category: Resource["category"] | "bad-change";
  evidence: string[];
}

/** The weight of a change's kind (see the module's rule). */
function weightOf(change: RecentChange, diffs: readonly SettingDiff[], named: readonly Resource[]): number {
  const isNamed = (key: string) => named.some((r) => r === resourceOfSetting(key));
  if (diffs.some((d) => d.to < d.from && isNamed(d.key))) return 0.9;
  if (diffs.some((d) => isNamed(d.key))) return 0.7;
  return change.config_diff === undefined ? 0.3 : 0.5;
}

/** Scores `change`, made `hours` before the alert, for an alert about `named` resources. */
function score(change: RecentChange, hours: number, named: readonly Resource[]): Scored {
  const diffs = settingDiffs(change.config_diff ?? "");
  const described = diffs.map((d) => `${d.file}: ${d.key} ${d.from} → ${d.to}${d.to < d.from ? " (lowered)" : ""}`);
  const lowered = diffs.map((d) => ({ d, r: resourceOfSetting(d.key) })).filter(({ d, r }) => r && d.to < d.from);
  const weight = weightOf(change, diffs, named);
  const recency = 0.5 ** (hours / 24);
  const head = `${change.sha.slice(0, 7)} "${change.subject}" ${hours.toFixed(1)} h before the alert`;
  return {
    change,
    confidence: recency * weight,
    category: lowered[0]?.r?.category ?? "bad-change",
    evidence: [`${head} (recency ${round2(recency)} × weight ${weight})`, ...described],
  };
}

/** The change-correlation diagnosis of `context`. */
export function diagnoseChanges(agent: string, context: IncidentContext): Diagnosis {
  const at = Date.parse(context.alert.timestamp);
  const named = resourcesOfAlert(context.alert);
  const scored = context.changes
    .map((c) => ({ c, hours: (at - Date.parse(c.date)) / 3_600_000 }))
    .filter(({ hours }) => hours >= 0)
    .map(({ c, hours }) => score(c, hours, named))
    .sort((a, b) => b.confidence - a.confidence);
  const best = scored[0];
  if (best === undefined) return noEvidence(agent, "change-correlation");
  const alertAbout = named.length > 0 ? [`the alert is about the ${named.map((r) => r.category).join(", ")}`] : [];
  const others = scored.slice(1, 3).map((s) => `also: ${s.evidence[0]}`);
  return diagnosisOf(agent, "change-correlation", best.category, best.confidence, [
    ...best.evidence,
    ...alertAbout,
    ...others,
  ]);
}
