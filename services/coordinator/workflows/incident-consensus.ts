/**
 * incident-swarm's consensus, pure: equivalent causes are grouped by category and normalised
 * cause text, or as the groups given (the diagnoser's model judged them: agent names). A
 * group holding more than half of the agents that answered wins, with the mean confidence of
 * its members, in the words of its most confident member; otherwise the highest-confidence
 * cause wins, with the mean confidence of every agent that answered. Confidence is rounded to
 * two decimals. Ties go to the larger group, then the higher confidence, then the agent name
 * that sorts first.
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

/**
 * The groups of equivalent causes, largest first (then by best confidence, then agent name):
 * `given` (agent names) when it names every answered agent once, else by the rule.
 */
function groupsOf(answered: Diagnosis[], given: readonly (readonly string[])[] | undefined): Diagnosis[][] {
  const groups = new Map<string, Diagnosis[]>();
  const named = (given ?? []).flatMap((agents, i) => agents.map((agent) => [agent, String(i)] as const));
  const groupOf = new Map(named);
  const useGiven = named.length === answered.length && answered.every((d) => groupOf.has(d.agent));
  for (const d of answered) {
    const key = useGiven ? `given|${groupOf.get(d.agent)}` : `${d.category}|${normalisedCause(d.root_cause)}`;
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  return [...groups.values()]
    .map((members) => [...members].sort(byConfidence))
    .sort((a, b) => b.length - a.length || byConfidence(a[0] as Diagnosis, b[0] as Diagnosis));
}

/**
 * The consensus of `diagnoses`; `missing` names the agents that gave none; `groups` (agent
 * names) are the equivalent causes when the model judged them; they are used only when they
 * name every agent that answered exactly once, else the rule groups.
 */
export function consensusOf(
  diagnoses: Diagnosis[],
  missing: string[] = [],
  groups?: readonly (readonly string[])[],
): Consensus {
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
  const grouped = groupsOf(answered, groups);
  const top = grouped[0] as Diagnosis[];
  const majority = top.length * 2 > answered.length;
  const winner = majority
    ? top
    : (grouped.find((g) => g.includes([...answered].sort(byConfidence)[0] as Diagnosis)) as Diagnosis[]);
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
