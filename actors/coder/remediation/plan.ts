/**
 * The whole fix of an incident, planned on a repository's files without touching them: the
 * catalogue entry of the consensus's category, the settings it changes, the alert rule, the
 * runbook section, the commit message and the summary. A category without an entry, or a
 * repository without a setting to change, is a TerminalError NO_REMEDIATION.
 */
import type { FixInput, SettingChange } from "../../../protocol/incident-swarm.ts";
import { TerminalError } from "../../../protocol/errors.ts";
import { addAlertRule, type AlertRule } from "./alert-rule.ts";
import { REMEDIATIONS, remediationFor, type RemediationEntry, type WatchRule } from "./catalogue.ts";
import { parsesAs } from "./config-files.ts";
import { runbookFile, sectionHeading, withSection } from "./runbook.ts";
import { planSettings } from "./settings-plan.ts";

/** The error code of a fix the catalogue cannot make (the workflow takes the manual path). */
export const NO_REMEDIATION = "NO_REMEDIATION";

/** The repository's files a fix reads (path → text). */
export interface RepoFiles {
  configs: ReadonlyMap<string, string>;
  /** Candidate Prometheus rule files. */
  rules: ReadonlyMap<string, string>;
  /** docs/runbooks/*.md */
  runbooks: ReadonlyMap<string, string>;
}

/** The planned fix: the new texts of the files it changes, and what the task reports. */
export interface FixPlan {
  texts: Map<string, string>;
  changes: SettingChange[];
  monitoring: string;
  runbook: string;
  summary: string;
  /** Commit subject and body (without the task's trailer). */
  subject: string;
  body: string;
  /** Files the coding agent changed (already staged in the worktree), for a fix the model wrote. */
  agentFiles?: string[];
}

/** Plans the fix of `input` on `files`. */
export function planFix(input: FixInput, files: RepoFiles): FixPlan {
  const entry = remediationFor(input.consensus.category);
  if (entry === undefined)
    throw new TerminalError(
      NO_REMEDIATION,
      `no remediation for the cause category ${input.consensus.category} (the catalogue covers ${REMEDIATIONS.map((e) => e.category).join(", ")})`,
    );
  const settings = planSettings(entry, files.configs);
  if (settings.changes.length === 0) throw nothingToChange(entry, settings.matched, files.configs.size);
  const rule = `${entry.rule}, within ${settings.cap}`;
  const runbook = runbookFile(files.runbooks, settings.changes, entry.topic);
  const alertRule = watchRule(entry.watch, input, settings.bases, runbook);
  const ruleFiles = new Map([...files.rules].map(([file, text]) => [file, settings.texts.get(file) ?? text]));
  const rules = addAlertRule(ruleFiles, alertRule, input.alert.service, input.alert.id);
  const texts = new Map(settings.texts);
  for (const [file, text] of texts)
    if (!parsesAs(file, text)) throw new TerminalError(NO_REMEDIATION, `${file} no longer parses after the change`);
  texts.set(rules.file, rules.text);
  const facts = { input, changes: settings.changes, rule, alertRule, ruleFile: rules.file };
  texts.set(runbook, withSection(files.runbooks.get(runbook), facts));
  const summary = summaryOf(entry, input, settings.changes, rule, { alertRule, ruleFile: rules.file, runbook });
  const subject = `hotfix(${input.alert.service}): ${oneLine(input.consensus.root_cause)}`.slice(0, 100);
  const body = [
    ...settings.changes.map((c) => `- ${c.file}: ${c.setting} ${c.from} -> ${c.to}`),
    `- ${rules.file}: alert rule ${alertRule.alert}`,
    `- ${runbook}: runbook section for alert ${input.alert.id}`,
  ].join("\n");
  return { texts, changes: settings.changes, monitoring: rules.file, runbook, summary, subject, body };
}

function nothingToChange(entry: RemediationEntry, matched: number, files: number): TerminalError {
  const why =
    matched === 0
      ? `no ${entry.resource} setting found in the repository's ${files} configuration files (JSON, YAML, .env)`
      : `the ${matched} ${entry.resource} settings found are already at their cap`;
  return new TerminalError(NO_REMEDIATION, `no remediation for ${entry.category}: ${why}`);
}

/** The alert rule `watch` gives for the incident's service, its runbook section linked. */
export function watchRule(watch: WatchRule, input: FixInput, bases: number[], runbook: string): AlertRule {
  const service = input.alert.service;
  const name = service.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_, _sep, c: string) => c.toUpperCase());
  return {
    alert: `${name.replace(/[^A-Za-z0-9]/g, "")}${watch.suffix}`,
    expr: watch.expr(service, bases),
    for: "5m",
    labels: { severity: lowerSeverity(input.alert.severity), patchbay_incident: input.alert.id },
    annotations: {
      summary: watch.summary(service),
      runbook_url: `${runbook}#${sectionHeading(input).anchor}`,
    },
  };
}

/** One level below the incident's severity: the rule warns before the incident repeats. */
function lowerSeverity(severity: FixInput["alert"]["severity"]): string {
  const order = ["critical", "high", "medium", "low", "info"];
  return order[Math.min(order.indexOf(severity) + 1, order.length - 1)];
}

function summaryOf(
  entry: RemediationEntry,
  input: FixInput,
  changes: SettingChange[],
  rule: string,
  added: { alertRule: AlertRule; ruleFile: string; runbook: string },
): string {
  const values = [...new Set(changes.map((c) => `${c.from} to ${c.to}`))].join(", ");
  const where = changes.map((c) => `${c.setting} in ${c.file}`).join(", ");
  const c = input.consensus;
  return (
    `Changed ${input.alert.service}'s ${entry.resource} from ${values} (${rule}) in ${where}, ` +
    `because the diagnosers found: ${oneLine(c.root_cause)} (${c.category}, confidence ${c.confidence}). ` +
    `Added the alert rule ${added.alertRule.alert} to ${added.ruleFile} (${added.alertRule.annotations.summary} for ${added.alertRule.for}) ` +
    `and a section for alert ${input.alert.id} to ${added.runbook}.`
  );
}

/** `text` on one line, runs of whitespace as one space. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
