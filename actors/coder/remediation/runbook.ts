/**
 * The runbook section a fix adds: appended to the runbook under docs/runbooks/ that already
 * mentions a changed setting, else to `docs/runbooks/<topic>.md` (created when missing). It
 * says what was seen, the evidence, what was changed, how to check it, and how to roll it back.
 */
import type { FixInput, SettingChange } from "../../../protocol/incident-swarm.ts";
import type { Diagnosis } from "../../../protocol/incident.ts";
import type { AlertRule } from "./alert-rule.ts";

/** What the section tells. */
export interface RunbookFacts {
  input: FixInput;
  changes: SettingChange[];
  /** The rule, e.g. "doubled, within the limit of 500 stated in config/database.yaml". */
  rule: string;
  alertRule: AlertRule;
  ruleFile: string;
  /** The change the coding agent wrote when the catalogue had none: the files and its own words. */
  written?: { files: string[]; summary: string };
}

/** The runbook to append to: one of `runbooks` (path → text) naming a changed setting, else `docs/runbooks/<topic>.md`. */
export function runbookFile(runbooks: ReadonlyMap<string, string>, changes: SettingChange[], topic: string): string {
  const names = changes.map((c) => c.setting.split(/[ .]/).pop() ?? c.setting);
  const mentioning = [...runbooks.keys()].sort().find((file) => names.some((n) => runbooks.get(file)?.includes(n)));
  return mentioning ?? `docs/runbooks/${topic}.md`;
}

/** The section's heading, and its anchor as GitHub and the local forge render it. */
export function sectionHeading(input: FixInput): { heading: string; anchor: string } {
  const heading = `Alert ${input.alert.id}: ${oneLine(input.consensus.root_cause)}`;
  const anchor = heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
  return { heading, anchor };
}

/** `existing` (undefined for a new runbook) with the section appended. */
export function withSection(existing: string | undefined, facts: RunbookFacts): string {
  const head = existing ?? `# Runbook: ${facts.input.alert.service} ${topicWords(facts)}\n`;
  const section = [
    `## ${sectionHeading(facts.input).heading}`,
    `Added by patchbay for the ${facts.input.alert.severity} alert \`${facts.input.alert.id}\` of ${facts.input.alert.timestamp}.`,
    `### Symptoms\n\n${bullets(symptoms(facts.input))}`,
    `### Evidence\n\n${bullets(evidence(facts.input))}`,
    `### Change\n\n${bullets(changeLines(facts))}`,
    `### How to check\n\n${bullets(checks(facts))}`,
    `### Roll back\n\n${bullets(rollback(facts))}`,
  ].join("\n\n");
  return `${head.replace(/\n*$/, "\n")}\n${section}\n`;
}

function topicWords(facts: RunbookFacts): string {
  return facts.input.consensus.category.replace(/-/g, " ");
}

function symptoms(input: FixInput): string[] {
  const metrics = Object.entries(input.alert.metrics ?? {}).map(([name, value]) => `\`${name}\` ${value}`);
  const logs = input.context.logs.slice(0, 3).map((log) => `Log: \`${oneLine(log.message).replace(/`/g, "'")}\``);
  return [oneLine(input.alert.message), ...(metrics.length > 0 ? [`Figures: ${metrics.join(", ")}.`] : []), ...logs];
}

function evidence(input: FixInput): string[] {
  const c = input.consensus;
  const support = c.supporting_diagnoses.length > 0 ? `; supported by ${c.supporting_diagnoses.join(", ")}` : "";
  const lines = [
    `Consensus: ${oneLine(c.root_cause)} (${c.category}, confidence ${c.confidence}, ${c.rule}${support}).`,
  ];
  return [...lines, ...input.diagnoses.map(diagnosisLine)];
}

function diagnosisLine(d: Diagnosis): string {
  const said = d.evidence.slice(0, 4).map(oneLine).join("; ");
  return `${d.agent} (${d.method}, ${d.confidence}): ${oneLine(d.root_cause)}${said ? ` — ${said}` : ""}`;
}

function changeLines(facts: RunbookFacts): string[] {
  const rule = facts.alertRule;
  const watch = `Alert rule \`${rule.alert}\` in \`${facts.ruleFile}\`: \`${rule.expr}\` for ${rule.for}.`;
  if (facts.written !== undefined)
    return [
      `${facts.rule}: ${facts.written.files.map((f) => `\`${f}\``).join(", ")}.`,
      oneLine(facts.written.summary),
      watch,
    ];
  const settings = facts.changes.map((c) => `\`${c.file}\`: \`${c.setting}\` ${c.from} → ${c.to}`);
  return [...settings, `Each value is ${facts.rule}.`, watch];
}

function checks(facts: RunbookFacts): string[] {
  const settings = facts.changes.map((c) => `\`${c.setting}\` is ${c.to} in \`${c.file}\``);
  const deployed = facts.written
    ? `The deployed service has the change to ${facts.written.files.map((f) => `\`${f}\``).join(", ")}.`
    : `The deployed configuration has the new values: ${settings.join(", ")}.`;
  return [
    deployed,
    `The alert \`${facts.alertRule.alert}\` stays inactive (${facts.alertRule.annotations.summary ?? "its expression"}), and \`${facts.input.alert.id}\` does not fire again.`,
  ];
}

function rollback(facts: RunbookFacts): string[] {
  const settings = facts.changes.map((c) => `\`${c.setting}\` to ${c.from} in \`${c.file}\``);
  const commit = `\`hotfix(${facts.input.alert.service}): …\``;
  if (facts.written !== undefined) return [`Revert the hotfix commit (${commit}) with \`git revert\`; then deploy.`];
  return [`Revert the hotfix commit (${commit}) with \`git revert\`, or set back ${settings.join(", ")}; then deploy.`];
}

function bullets(lines: string[]): string {
  return lines.map((line) => `- ${line}`).join("\n");
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
