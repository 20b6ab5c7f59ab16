/**
 * What a fix the coding agent wrote (the catalogue had none) gets around it, as a catalogue fix
 * does: an alert rule beside the repository's Prometheus rules and a runbook section, the
 * commit message and the summary. The rule is the category's catalogue rule when it does not
 * depend on new setting values, else one watching the failures the category causes; the
 * runbook is `docs/runbooks/<topic>.md` (docs/incident.md, "Fixes the model writes").
 */
import type { FixInput } from "../../../protocol/incident-swarm.ts";
import type { CauseCategory } from "../../../protocol/incident.ts";
import { addAlertRule } from "./alert-rule.ts";
import { remediationFor, type WatchRule } from "./catalogue.ts";
import { oneLine, watchRule, type FixPlan, type RepoFiles } from "./plan.ts";
import { runbookFile, withSection } from "./runbook.ts";

/** What the agent changed: the files, and its own paragraph about them. */
export interface WrittenChange {
  files: string[];
  summary: string;
}

const sel = (service: string) => `{service=${JSON.stringify(service)}}`;

/** Failing outgoing requests: a dependency's failures, seen from the service. */
const DEPENDENCY_ERRORS: WatchRule = {
  suffix: "DependencyErrors",
  expr: (s) =>
    `sum(rate(http_client_requests_total{service=${JSON.stringify(s)},outcome="error"}[5m])) / sum(rate(http_client_requests_total${sel(s)}[5m])) > 0.05`,
  summary: (s) => `more than 5% of ${s}'s outgoing requests fail`,
};

/** Server errors: what a bad change, an error spike or a cause without its own rule shows. */
const ERROR_RATE: WatchRule = {
  suffix: "ErrorRate",
  expr: (s) =>
    `sum(rate(http_requests_total{service=${JSON.stringify(s)},status=~"5.."}[5m])) / sum(rate(http_requests_total${sel(s)}[5m])) > 0.05`,
  summary: (s) => `more than 5% of ${s}'s requests fail with a server error`,
};

const TOPICS: Partial<Record<CauseCategory, string>> = {
  dependency: "dependencies",
  "bad-change": "changes",
  "error-spike": "errors",
};

/** The rule and runbook topic of `category` for a written fix. */
function writtenWatch(category: CauseCategory): { watch: WatchRule; topic: string } {
  const entry = remediationFor(category);
  // The timeout rule's threshold is 80 % of the new timeouts, which only a catalogue fix knows.
  if (entry !== undefined && category !== "timeout") return { watch: entry.watch, topic: entry.topic };
  const watch = category === "dependency" ? DEPENDENCY_ERRORS : ERROR_RATE;
  return { watch, topic: entry?.topic ?? TOPICS[category] ?? "incidents" };
}

/** The rule, runbook and texts around `written` (`files`: the repository's rule files and runbooks). */
export function planWritten(input: FixInput, files: RepoFiles, written: WrittenChange): FixPlan {
  const { watch, topic } = writtenWatch(input.consensus.category);
  const runbook = runbookFile(files.runbooks, [], topic);
  const alertRule = watchRule(watch, input, [], runbook);
  const rules = addAlertRule(files.rules, alertRule, input.alert.service, input.alert.id);
  const rule = "Written by the model (the catalogue has no remediation for this cause)";
  const facts = { input, changes: [], rule, alertRule, ruleFile: rules.file, written };
  const texts = new Map([
    [rules.file, rules.text],
    [runbook, withSection(files.runbooks.get(runbook), facts)],
  ]);
  const c = input.consensus;
  const summary =
    `${oneLine(written.summary)} (the model's change to ${written.files.join(", ")}, because the diagnosers found: ` +
    `${oneLine(c.root_cause)} (${c.category}, confidence ${c.confidence}), for which the catalogue has no remediation.) ` +
    `Added the alert rule ${alertRule.alert} to ${rules.file} and a section for alert ${input.alert.id} to ${runbook}.`;
  const body = [
    ...written.files.map((f) => `- ${f}: changed by the model`),
    `- ${rules.file}: alert rule ${alertRule.alert}`,
    `- ${runbook}: runbook section for alert ${input.alert.id}`,
    "",
    oneLine(written.summary).slice(0, 2000),
  ].join("\n");
  const subject = `hotfix(${input.alert.service}): ${oneLine(c.root_cause)}`.slice(0, 100);
  return { texts, changes: [], monitoring: rules.file, runbook, summary, subject, body };
}
