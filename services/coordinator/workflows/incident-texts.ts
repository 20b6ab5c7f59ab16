/**
 * The texts incident-swarm writes, pure: the hotfix PR's description, the manual issue, and the
 * postmortem (timeline from the workflow's own events, root cause and evidence, contributing
 * factors, prevention, action items).
 */
import type { Alert, Consensus, Diagnosis, IncidentContext } from "../../../protocol/incident.ts";
import type { FixOutput } from "../../../protocol/incident-swarm.ts";

/** One line of the timeline: when (epoch ms) and what. */
export interface TimelineEntry {
  at: number;
  text: string;
}

/** What the texts are made from. */
export interface IncidentFacts {
  alert: Alert;
  consensus?: Consensus;
  diagnoses: Diagnosis[];
  context?: IncidentContext;
  fix?: FixOutput;
  manualReason?: string;
  prUrl?: string;
  issueUrl?: string;
  merged: boolean;
  rollback?: string;
  timeline: TimelineEntry[];
}

function diagnosisLines(diagnoses: Diagnosis[]): string[] {
  return diagnoses.flatMap((d) => [
    `- **${d.agent}** (${d.method}): ${d.root_cause} — ${d.category}, confidence ${d.confidence.toFixed(2)}`,
    ...d.evidence.map((e) => `  - ${e}`),
  ]);
}

function consensusLine(c: Consensus | undefined): string {
  if (c === undefined) return "No consensus was reached.";
  const agreed = c.supporting_diagnoses.join(", ") || "none";
  return `**${c.root_cause}** (${c.category}), confidence ${c.confidence.toFixed(2)} by ${c.rule}: supported by ${agreed}${c.conflicting_diagnoses.length ? `; conflicting: ${c.conflicting_diagnoses.join(", ")}` : ""}${c.missing.length ? `; missing: ${c.missing.join(", ")}` : ""}.`;
}

/** A fix the model wrote (beyond the catalogue): the files it changed and where its transcript is. */
function writtenLines(fix: FixOutput | undefined): string[] {
  if (fix?.transcript === undefined) return [];
  const files = fix.files_changed.filter((file) => file !== fix.monitoring && file !== fix.runbook);
  return [
    `- written by the model (the catalogue has no remediation for this cause): ${files.map((file) => `\`${file}\``).join(", ")}; transcript \`${fix.transcript}\``,
  ];
}

/** The hotfix PR's description. */
export function pullRequestBody(f: IncidentFacts): string {
  const changes = (f.fix?.changes ?? []).map((c) => `- \`${c.file}\`: ${c.setting} ${c.from} → ${c.to}`);
  return [
    `Hotfix for alert \`${f.alert.id}\` (${f.alert.severity}, ${f.alert.service}): ${f.alert.message}`,
    "",
    `Consensus: ${consensusLine(f.consensus)}`,
    "",
    "## Changes",
    ...changes,
    ...writtenLines(f.fix),
    ...(f.fix ? [`- monitoring: \`${f.fix.monitoring}\``, `- runbook: \`${f.fix.runbook}\``] : []),
    "",
    "## Evidence",
    ...diagnosisLines(f.diagnoses),
    "",
    f.alert.severity === "critical" ? "Severity critical: review now." : "Review before merging.",
  ].join("\n");
}

const NEXT_STEPS: Record<string, string> = {
  "connection-pool": "Compare the pool's ceiling with peak concurrency; look for connections held across slow calls.",
  "memory-limit": "Take a heap profile at peak; compare the limit with the working set.",
  timeout: "Find which dependency got slower; compare its latency with the timeout.",
  dependency: "Check the upstream's health and recent changes.",
  "bad-change": "Review the recent changes listed; consider reverting the most recent one.",
  unknown: "Gather more signals (metrics, logs) around the alert and re-run the diagnosis.",
};

/** The manual issue's description. */
export function issueBody(f: IncidentFacts): string {
  const category = f.consensus?.category ?? "unknown";
  return [
    `Alert \`${f.alert.id}\` (${f.alert.severity}, ${f.alert.service}) at ${f.alert.timestamp}: ${f.alert.message}`,
    "",
    `No fix was applied: ${f.manualReason ?? "see below"}.`,
    "",
    `Consensus: ${consensusLine(f.consensus)}`,
    "",
    "## Diagnoses",
    ...diagnosisLines(f.diagnoses),
    "",
    "## Suggested next steps",
    `- ${NEXT_STEPS[category] ?? NEXT_STEPS.unknown}`,
    "- Confirm or reject the leading cause, then fix it or re-run incident-swarm with more sources.",
  ].join("\n");
}

function factorLines(f: IncidentFacts): string[] {
  const changes = (f.context?.changes ?? [])
    .slice(0, 5)
    .map((c) => `- change ${c.sha.slice(0, 8)} ${c.date}: ${c.subject}`);
  const others = f.diagnoses
    .filter((d) => f.consensus?.conflicting_diagnoses.includes(d.agent))
    .map((d) => `- ${d.agent} (${d.method}) saw: ${d.root_cause}`);
  const factors = [...changes, ...others];
  return factors.length > 0 ? factors : ["- none found in the context gathered"];
}

function outcomeLines(f: IncidentFacts): string[] {
  const lines = [];
  if (f.fix) lines.push(`- Fix: ${f.fix.summary}`);
  if (f.prUrl) lines.push(`- Hotfix PR: ${f.prUrl}${f.merged ? " (merged)" : " (not merged)"}`);
  if (f.rollback) lines.push(`- Rolled back: ${f.rollback}`);
  if (f.issueUrl) lines.push(`- Manual issue: ${f.issueUrl} (${f.manualReason ?? "no fix"})`);
  return lines.length > 0 ? lines : ["- No change was made."];
}

/** The postmortem, as markdown. */
export function postmortemMarkdown(f: IncidentFacts): string {
  const timeline = f.timeline.map((e) => `- ${new Date(e.at).toISOString()} — ${e.text}`);
  const evidence = f.diagnoses.filter((d) => f.consensus?.supporting_diagnoses.includes(d.agent));
  return [
    `# Postmortem: ${f.alert.id} — ${f.alert.message}`,
    "",
    `Service ${f.alert.service}, severity ${f.alert.severity}, alert at ${f.alert.timestamp}. Written by patchbay's incident-swarm.`,
    "",
    "## Timeline",
    `- ${f.alert.timestamp} — alert fired: ${f.alert.message}`,
    ...timeline,
    "",
    "## Root cause",
    consensusLine(f.consensus),
    "",
    "### Evidence",
    ...(evidence.length > 0 ? diagnosisLines(evidence) : ["- no diagnosis supported a cause"]),
    "",
    "## Contributing factors",
    ...factorLines(f),
    "",
    "## Resolution",
    ...outcomeLines(f),
    "",
    "## Prevention",
    ...(f.fix
      ? [`- Alert rule added in \`${f.fix.monitoring}\`.`, `- Runbook updated: \`${f.fix.runbook}\`.`]
      : ["- Add monitoring for the signal that would have shown this earlier."]),
    "",
    "## Action items",
    ...(f.prUrl && !f.merged ? [`- [ ] Review and merge ${f.prUrl}`] : []),
    ...(f.issueUrl ? [`- [ ] Investigate ${f.issueUrl}`] : []),
    "- [ ] Check the alert's threshold against this incident",
    "- [ ] Review this postmortem with the service's owners",
    "",
  ].join("\n");
}
