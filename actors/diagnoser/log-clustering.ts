/**
 * The `log-clustering` method: error lines grouped by template (log-templates.ts), and the
 * groups that are new in the alert window (the {@link ALERT_WINDOW_MINUTES} before the alert
 * and after it) against the lines before it. Without timestamps, the largest error group.
 *
 * Confidence rule (docs/incident.md, "Diagnosers"): for the chosen group, 0.3 when it is new
 * in the alert window (0.1 when the lines carry no timestamps and it is only the largest),
 * plus 0.3 when its signature is a known one (pool, memory, upstream, timeout, retries), plus
 * 0.3 × its share of the window's error lines × min(1, its lines ÷ 5). No error lines, or none
 * new in the window: no evidence (category unknown, confidence 0).
 */
import type { ContextLog, Diagnosis, IncidentContext } from "../../protocol/incident.ts";
import { diagnosisOf, noEvidence } from "./causes.ts";
import { isErrorLine, signatureCategory, templateOf } from "./log-templates.ts";

/** How long before the alert its window opens. */
export const ALERT_WINDOW_MINUTES = 5;
/** Lines at which a group's share counts in full. */
const FULL_COUNT = 5;

/** Error lines of one template. */
export interface LogGroup {
  template: string;
  /** Lines in the alert window (or without a timestamp). */
  inWindow: number;
  /** Lines before the alert window. */
  before: number;
  /** The first line's timestamp, if any. */
  first?: string;
}

/** The error lines of `logs` grouped by template, largest first in the window. */
export function errorGroups(logs: readonly ContextLog[], windowStart: number): LogGroup[] {
  const groups = new Map<string, LogGroup>();
  for (const line of logs) {
    if (!isErrorLine(line.level, line.message)) continue;
    const template = templateOf(line.message);
    const group = groups.get(template) ?? { template, inWindow: 0, before: 0 };
    const at = line.timestamp === undefined ? Number.NaN : Date.parse(line.timestamp);
    if (at < windowStart) group.before += 1;
    else group.inWindow += 1;
    if (line.timestamp !== undefined && (group.first === undefined || line.timestamp < group.first)) {
      group.first = line.timestamp;
    }
    groups.set(template, group);
  }
  return [...groups.values()].sort((a, b) => b.inWindow - a.inWindow || a.template.localeCompare(b.template));
}

const describe = (g: LogGroup) =>
  `"${g.template}" ×${g.inWindow} in the window, ×${g.before} before` + (g.first ? ` (first ${g.first})` : "");

/** The log-clustering diagnosis of `context`. */
export function diagnoseLogs(agent: string, context: IncidentContext): Diagnosis {
  const windowStart = Date.parse(context.alert.timestamp) - ALERT_WINDOW_MINUTES * 60_000;
  const groups = errorGroups(context.logs, windowStart).filter((g) => g.inWindow > 0);
  if (groups.length === 0) return noEvidence(agent, "log-clustering");
  const timed = context.logs.some((l) => l.timestamp !== undefined);
  const candidates = timed ? groups.filter((g) => g.before === 0) : groups;
  const top = candidates[0];
  if (top === undefined) {
    const since = new Date(windowStart).toISOString();
    return noEvidence(agent, "log-clustering", [
      `no error group new since ${since}`,
      ...groups.slice(0, 3).map(describe),
    ]);
  }
  const windowErrors = groups.reduce((n, g) => n + g.inWindow, 0);
  const share = top.inWindow / windowErrors;
  const known = signatureCategory(top.template);
  const confidence = (timed ? 0.3 : 0.1) + (known ? 0.3 : 0) + 0.3 * share * Math.min(1, top.inWindow / FULL_COUNT);
  const evidence = [
    `${timed ? "new" : "largest"} error group: ${describe(top)}, ${Math.round(share * 100)}% of the window's ${windowErrors} error lines`,
    known ? `its signature is a known ${known} one` : "its signature is not a known one",
    ...candidates.slice(1, 3).map((g) => `also ${timed ? "new" : "seen"}: ${describe(g)}`),
  ];
  return diagnosisOf(agent, "log-clustering", known ?? "error-spike", confidence, evidence);
}
