/**
 * Log messages as templates: the parts that vary between two occurrences of one error
 * (timestamps, ids, numbers…) replaced by placeholders; and the known signatures of a
 * template, mapped to cause categories.
 */
import type { CauseCategory } from "../../protocol/incident.ts";

/** Replacements in order: the most specific first (a UUID before hex, a duration before a number). */
const PLACEHOLDERS: readonly [RegExp, string][] = [
  [/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, "<str>"],
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?/gi, "<time>"],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<id>"],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/g, "<ip>"],
  [/\b0x[0-9a-f]+\b|\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, "<hex>"],
  [/\b\d+(?:\.\d+)?\s?(?:ns|us|µs|ms|s|sec|seconds|m|min|minutes|h)\b/gi, "<duration>"],
  [/\b[A-Za-z]+[-_](?=[\w-]*\d)[\w-]*\d[\w-]*\b/g, "<id>"],
  [/-?\b\d+(?:\.\d+)?\b/g, "<num>"],
];

/** `message` with its variable parts replaced by placeholders and its spaces collapsed. */
export function templateOf(message: string): string {
  let text = message;
  for (const [pattern, placeholder] of PLACEHOLDERS) text = text.replace(pattern, placeholder);
  return text.replace(/\s+/g, " ").trim();
}

/** Known signatures, the most specific first. */
const SIGNATURES: readonly [RegExp, Exclude<CauseCategory, "unknown">][] = [
  [
    /acquir\w* (a )?connection|connection pool|pool (is )?exhausted|too many (clients|connections)|connection slots/i,
    "connection-pool",
  ],
  [/out of memory|\boom\b|oomkilled|heap limit|memory limit|cannot allocate memory/i, "memory-limit"],
  [
    /connection refused|econnrefused|upstream|service unavailable|no route to host|enotfound|bad gateway/i,
    "dependency",
  ],
  [/time(d)? ?out|deadline exceeded|etimedout/i, "timeout"],
  [/retry|retries|retrying/i, "retries"],
];

/** The category a template's signature is known as, if any. */
export function signatureCategory(template: string): Exclude<CauseCategory, "unknown"> | undefined {
  return SIGNATURES.find(([pattern]) => pattern.test(template))?.[1];
}

const ERROR_LEVELS = new Set(["error", "err", "fatal", "critical", "crit", "panic", "alert", "emergency"]);
const ERROR_WORDS = /error|exception|fail|time(d)? ?out|refused|denied|\boom\b|killed|exhausted|unavailable/i;

/** Whether a line reports an error: by its level, or by its words when it has none. */
export function isErrorLine(level: string | undefined, message: string): boolean {
  return level === undefined ? ERROR_WORDS.test(message) : ERROR_LEVELS.has(level.toLowerCase());
}
