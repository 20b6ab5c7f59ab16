/**
 * The alert rule a fix adds beside the repository's Prometheus rules: appended as the last rule
 * of the group named after the service (else the first group) of the first rule file under
 * `monitoring/`, `prometheus/`, `alerts/` or `rules/`, as text, so that the rest of the file
 * stays byte for byte; or, when the repository has no rule file, in a new
 * `monitoring/patchbay-<alert id>.yml`.
 */
import { isMap, isSeq, isScalar, parseDocument, stringify, type YAMLMap, type YAMLSeq } from "yaml";

/** A Prometheus alerting rule. */
export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** The file holding the new rule, and its new text. */
export interface RuleEdit {
  file: string;
  text: string;
}

const RULE_DIRS = /(^|\/)(monitoring|prometheus|alerts|rules)\/(.*\/)?[^/]+\.ya?ml$/;

/** Whether a tracked file may hold Prometheus rules (it is read to know). */
export function mayHoldRules(file: string): boolean {
  return RULE_DIRS.test(file);
}

/** Adds `rule` to the first of `files` (path → text) holding rule groups, else to a new file. */
export function addAlertRule(
  files: ReadonlyMap<string, string>,
  rule: AlertRule,
  service: string,
  alertId: string,
): RuleEdit {
  for (const [file, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const edited = appendedRule(text, rule, service);
    if (edited !== undefined) return { file, text: edited };
  }
  const group = { name: `patchbay-${service}`, rules: [rule] };
  return { file: `monitoring/patchbay-${alertId}.yml`, text: stringify({ groups: [group] }, { lineWidth: 0 }) };
}

/** `text` with `rule` after the last rule of the service's group; undefined when it holds no block of rules. */
function appendedRule(text: string, rule: AlertRule, service: string): string | undefined {
  const doc = parseDocument(text);
  if (doc.errors.length > 0 || !isMap(doc.contents)) return undefined;
  const groups = doc.contents.get("groups");
  if (!isSeq(groups)) return undefined;
  const maps: YAMLMap[] = [];
  for (const item of groups.items) if (isMap(item)) maps.push(item);
  const group = maps.find((g) => g.get("name") === service) ?? maps[0];
  const rules = group?.get("rules");
  if (!isSeq(rules) || rules.flow || rules.items.length === 0) return undefined;
  return insertItem(text, rules, rule);
}

/** Inserts `value` as a new item of the block sequence `seq`, indented like its first item. */
function insertItem(text: string, seq: YAMLSeq, value: AlertRule): string | undefined {
  const first = seq.items[0];
  const last = seq.items[seq.items.length - 1];
  if (!(isMap(first) || isScalar(first)) || !(isMap(last) || isScalar(last)) || !first.range || !last.range)
    return undefined;
  const firstLine = text.lastIndexOf("\n", first.range[0] - 1) + 1;
  const prefix = text.slice(firstLine, first.range[0]);
  if (!/^ *- +$/.test(prefix)) return undefined;
  const end = last.range[1];
  const newline = text[end - 1] === "\n" ? end - 1 : text.indexOf("\n", end);
  const at = newline < 0 ? text.length : newline + 1;
  const lines = stringify(value, { lineWidth: 0 }).replace(/\n$/, "").split("\n");
  const item = lines.map((line, i) => (i === 0 ? prefix : " ".repeat(prefix.length)) + line).join("\n");
  const before = text.slice(0, at);
  return `${before}${before.endsWith("\n") ? "" : "\n"}${item}\n${text.slice(at)}`;
}
