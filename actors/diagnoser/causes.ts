/**
 * The canonical root-cause texts, one per category: every method words an equivalent cause
 * the same way, so that the consensus groups them (docs/incident.md, "Diagnosers").
 */
import type { CauseCategory, Diagnosis, DiagnosisMethod } from "../../protocol/incident.ts";

/** The root cause each category is reported as. */
export const CANONICAL_CAUSES: Readonly<Record<Exclude<CauseCategory, "unknown">, string>> = {
  "connection-pool": "Connection pool too small for traffic",
  "memory-limit": "Memory limit too low for the workload",
  timeout: "Operations time out under load",
  retries: "Retries amplify the load",
  capacity: "Not enough capacity for the load",
  "bad-change": "A recent change broke the service",
  dependency: "An upstream dependency is failing",
  "error-spike": "A new error appeared in the logs",
};

/** A diagnosis in the catalogue's words for `category`. */
export function diagnosisOf(
  agent: string,
  method: DiagnosisMethod,
  category: Exclude<CauseCategory, "unknown">,
  confidence: number,
  evidence: string[],
): Diagnosis {
  return { agent, method, root_cause: CANONICAL_CAUSES[category], category, confidence: round2(confidence), evidence };
}

/** What a method with no evidence answers: category unknown, confidence 0. */
export function noEvidence(agent: string, method: DiagnosisMethod, evidence: string[] = []): Diagnosis {
  return { agent, method, root_cause: `no ${method} evidence`, category: "unknown", confidence: 0, evidence };
}

/** `x` rounded to two decimals. */
export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
