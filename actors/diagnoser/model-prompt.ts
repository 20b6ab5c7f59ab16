/**
 * What a model diagnoser is asked (docs/incident.md, "Diagnosers"): the role's instructions
 * with one focus chosen from the agent's name, the incident context as compact JSON clipped
 * to a budget, and the alert last (infra/llm/prompt.ts keeps that order for prompt caches).
 */
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { openingMessages } from "../../infra/llm/prompt.ts";
import { CAUSE_CATEGORIES, type IncidentContext } from "../../protocol/incident.ts";

/** The focuses a model diagnoser is given: the offline methods' order, then dependencies. */
export const MODEL_FOCUSES = [
  "Look first at resource saturation: usage against limits (connections, memory, CPU, queues, workers) in the metrics, series and configs.",
  "Look first at the errors in the logs: which messages are new or dominant around the alert, and what they point to.",
  "Look first at the recent changes: the commits and configuration diffs just before the alert, and which limits they changed.",
  "Look first at dependencies: databases, upstream services and networks that the logs and metrics show failing, refusing or timing out.",
] as const;

/** Characters of context JSON a request carries at most (about 6,000 tokens). */
export const CONTEXT_BUDGET = 24_000;
const SERIES_POINTS = 10;
const LOG_LINES = 200;
const LINE_CHARS = 300;
const CHANGES = 20;
const FILE_CHARS = 2_000;

/**
 * The focus of `agent`: by the number its name ends with, `(n − 1) mod 4` (agent-1 saturation,
 * agent-4 dependencies, agent-5 saturation again), so consecutive agents differ; a name without
 * a number by the sum of its character codes, mod 4.
 */
export function focusOf(agent: string): string {
  const n = /(\d+)$/.exec(agent)?.[1];
  const count = MODEL_FOCUSES.length;
  const index =
    n !== undefined ? Number(n) + count - 1 : [...agent].reduce((sum, ch) => sum + (ch.codePointAt(0) ?? 0), 0);
  return MODEL_FOCUSES[index % count] as string;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…(clipped)` : text;
}

/**
 * The context as compact JSON, clipped to `budget` characters: the alert, metrics, sources,
 * changes (diffs clipped) and configs (clipped) first, then the series' latest points, then the
 * last log lines (each clipped), so that a clip cuts log lines first.
 */
export function contextJson(context: IncidentContext, budget = CONTEXT_BUDGET): string {
  const { alert, metrics, sources } = context;
  const compact = {
    alert,
    metrics,
    sources,
    changes: context.changes.slice(0, CHANGES).map((c) => ({
      ...c,
      files: c.files.slice(0, CHANGES),
      ...(c.config_diff !== undefined ? { config_diff: clip(c.config_diff, FILE_CHARS) } : {}),
    })),
    configs: context.configs.map((c) => ({ file: c.file, text: clip(c.text, FILE_CHARS) })),
    series: context.series.map((s) => ({ ...s, points: s.points.slice(-SERIES_POINTS) })),
    logs: context.logs.slice(-LOG_LINES).map((l) => ({ ...l, message: clip(l.message, LINE_CHARS) })),
  };
  return clip(JSON.stringify(compact), budget);
}

/** The instructions of a model diagnoser with `focus`: the answer's fields and how confidence is bounded. */
function instructionsOf(focus: string): string {
  return [
    "You diagnose production incidents for patchbay's incident-swarm. The context is JSON: the alert, its metrics,",
    "Prometheus series, logs, the service repository's recent changes with their config diffs, its limit configs,",
    "and how each source fared. Answer the most likely root cause as JSON with these fields:",
    "- root_cause: one sentence.",
    `- category: one of ${CAUSE_CATEGORIES.join(", ")} (unknown when the context shows no cause).`,
    "- confidence: from 0 to 1.",
    "- evidence: facts quoted from the context, one per item: a metric or setting with its value",
    "  (active_connections 100), a log line as written, a commit's short sha.",
    "Only quoted facts count: confidence is capped at 0.5 + 0.1 per item quoting the context, at most 0.95.",
    `Focus: ${focus}`,
  ].join("\n");
}

/** The opening messages of `agent`'s request on `context`. */
export function modelMessages(agent: string, context: IncidentContext): ChatCompletionMessageParam[] {
  const { alert } = context;
  return openingMessages({
    role: "diagnoser",
    instructions: instructionsOf(focusOf(agent)),
    context: contextJson(context),
    task: `Alert ${alert.id} (${alert.severity}) on ${alert.service} at ${alert.timestamp}: ${alert.message}. Diagnose its root cause.`,
  });
}
