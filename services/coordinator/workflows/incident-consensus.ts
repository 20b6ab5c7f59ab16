/**
 * incident-swarm's consensus, pure: equivalent causes are grouped by category and normalised
 * cause text. A group holding more than half of the agents that answered wins, with the mean
 * confidence of its members; otherwise the highest-confidence cause wins, with the mean
 * confidence of every agent that answered. Confidence is rounded to two decimals. Ties go to
 * the larger group, then the higher confidence, then the agent name that sorts first.
 * Agents that failed or timed out are listed as missing and count for nothing.
 */
import type { Consensus, Diagnosis } from "../../../protocol/incident.ts";

/** A cause's text as compared: lower case, words only, single spaces. */
export function normalisedCause(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

/** Rounds to two decimals, half up (0.875 → 0.88). */
export function round2(x: number): number {
  return Math.round((x + Number.EPSILON) * 100) / 100;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Orders diagnoses: higher confidence first, then agent name. */
function byConfidence(a: Diagnosis, b: Diagnosis): number {
  return b.confidence - a.confidence || a.agent.localeCompare(b.agent);
}

/** The groups of equivalent causes, largest first (then by best confidence, then agent name). */
function groupsOf(answered: Diagnosis[]): Diagnosis[][] {
  const groups = new Map<string, Diagnosis[]>();
  for (const d of answered) {
    const key = `${d.category}|${normalisedCause(d.root_cause)}`;
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  return [...groups.values()]
    .map((members) => [...members].sort(byConfidence))
    .sort((a, b) => b.length - a.length || byConfidence(a[0] as Diagnosis, b[0] as Diagnosis));
}

/** The consensus of `diagnoses`; `missing` names the agents that gave none. */
export function consensusOf(diagnoses: Diagnosis[], missing: string[] = []): Consensus {
  const answered = [...diagnoses].sort((a, b) => a.agent.localeCompare(b.agent));
  const missingSorted = [...missing].sort();
  if (answered.length === 0) {
    return {
      root_cause: "no diagnosis",
      category: "unknown",
      confidence: 0,
      supporting_diagnoses: [],
      conflicting_diagnoses: [],
      missing: missingSorted,
      rule: "none",
    };
  }
  const groups = groupsOf(answered);
  const top = groups[0] as Diagnosis[];
  const majority = top.length * 2 > answered.length;
  const winner = majority
    ? top
    : (groups.find((g) => g.includes([...answered].sort(byConfidence)[0] as Diagnosis)) as Diagnosis[]);
  const best = winner[0] as Diagnosis;
  const supporting = new Set(winner.map((d) => d.agent));
  return {
    root_cause: best.root_cause,
    category: best.category,
    confidence: round2(mean((majority ? winner : answered).map((d) => d.confidence))),
    supporting_diagnoses: answered.filter((d) => supporting.has(d.agent)).map((d) => d.agent),
    conflicting_diagnoses: answered.filter((d) => !supporting.has(d.agent)).map((d) => d.agent),
    missing: missingSorted,
    rule: majority ? "majority" : "highest",
  };
}
