/**
 * The model method's confidence rule (docs/incident.md, "Diagnosers"): a model's claimed
 * confidence is capped by its evidence that quotes the context, at `0.5 + 0.1 × grounded`,
 * never above 0.95. An evidence item is grounded when it quotes, from the context:
 *
 * - a figure: a metric's name with its value (`active_connections 100`), or a setting's name
 *   with its value from a limit config or a change's config diff (`max_connections: 150`);
 *   names are compared in lower case with `_`, `-` and spaces alike;
 * - a log line: 24 characters of one in a row (the whole line when it is shorter, if it has 12
 *   or more), in lower case with whitespace collapsed;
 * - a recent change: the first 7 characters of its sha.
 *
 * Items that are the same text count once.
 */
import type { IncidentContext } from "../../protocol/incident.ts";

/** The cap with no grounded evidence; each grounded item adds PER_ITEM, up to MAX_CONFIDENCE. */
const BASE_CAP = 0.5;
const PER_ITEM = 0.1;
const MAX_CONFIDENCE = 0.95;
/** Characters in a row that make a quote of a log line. */
const QUOTE = 24;
/** A log line shorter than {@link QUOTE} counts when quoted whole and at least this long. */
const SHORT_LINE = 12;
const SHORT_SHA = 7;
/** `name: 100`, `name = 100`, `"name": 100`, `NAME=100` in configs and diffs. */
const SETTING = /([A-Za-z_][\w.-]*)["']?\s*[:=]\s*["']?(-?\d+(?:\.\d+)?)(?![\d.])/g;
const NUMBER = /-?\d+(?:\.\d+)?/g;

interface Figure {
  name: string;
  value: number;
}

const words = (text: string) => text.toLowerCase().replace(/[\s_-]+/g, " ");
const flat = (text: string) => text.toLowerCase().replace(/\s+/g, " ").trim();

function figuresOf(context: IncidentContext): Figure[] {
  const metrics = { ...context.alert.metrics, ...context.metrics };
  const texts = [...context.configs.map((c) => c.text), ...context.changes.map((c) => c.config_diff ?? "")];
  const settings = texts.flatMap((text) =>
    [...text.matchAll(SETTING)].map((m) => ({ name: m[1] ?? "", value: Number(m[2]) })),
  );
  return [...Object.entries(metrics).map(([name, value]) => ({ name, value })), ...settings].map((f) => ({
    name: words(f.name),
    value: f.value,
  }));
}

function quotesFigure(item: string, figures: Figure[]): boolean {
  const text = words(item);
  const numbers = new Set([...item.matchAll(NUMBER)].map((m) => Number(m[0])));
  return figures.some((f) => numbers.has(f.value) && text.includes(f.name));
}

function quotesLine(item: string, short: string[], long: string): boolean {
  const text = flat(item);
  if (short.some((line) => text.includes(line))) return true;
  for (let i = 0; i + QUOTE <= text.length; i += 1) if (long.includes(text.slice(i, i + QUOTE))) return true;
  return false;
}

/** How many distinct items of `evidence` quote a figure, a log line or a commit of `context`. */
export function groundedCount(evidence: string[], context: IncidentContext): number {
  const figures = figuresOf(context);
  const lines = [
    ...(context.alert.logs ?? []).map((l) => (typeof l === "string" ? l : l.message)),
    ...context.logs.map((l) => l.message),
  ].map(flat);
  const short = lines.filter((l) => l.length >= SHORT_LINE && l.length < QUOTE);
  const long = lines.filter((l) => l.length >= QUOTE).join("\n");
  const shas = context.changes
    .map((c) => c.sha.slice(0, SHORT_SHA).toLowerCase())
    .filter((s) => s.length === SHORT_SHA);
  const grounded = [...new Set(evidence.map((e) => e.trim()))].filter(
    (item) =>
      quotesFigure(item, figures) ||
      quotesLine(item, short, long) ||
      shas.some((sha) => item.toLowerCase().includes(sha)),
  );
  return grounded.length;
}

/** The claimed confidence capped by `grounded` evidence items: `min(claimed, 0.5 + 0.1 × grounded, 0.95)`. */
export function boundedConfidence(claimed: number, grounded: number): number {
  const cap = Math.min(MAX_CONFIDENCE, BASE_CAP + PER_ITEM * grounded);
  return Math.max(0, Math.min(claimed, cap));
}
