/**
 * The values a remediation changes, read in base units and written back in the setting's own
 * notation: counts (`100`), durations (`5000`, `30s`, `500ms`; in milliseconds) and memory sizes
 * (`512Mi`, `1G`, `2048` MB; in bytes). A bare number takes its unit from its key's name
 * (`timeout_ms`, `timeout_seconds`, `heap_mb`), else from the setting's default unit.
 */

/** The kinds of value the catalogue knows. */
export type QuantityKind = "count" | "duration" | "memory";

/** A value read in base units, and how to write another value of the same notation. */
export interface Quantity {
  base: number;
  format(base: number): string;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const MEMORY_UNITS: Record<string, number> = {
  "": 1,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  kb: 1024,
  mb: 1024 ** 2,
  gb: 1024 ** 3,
  KB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
};

/**
 * Reads `text` as a quantity of `kind`. `key` (the setting's path) gives a bare number its unit;
 * `bareUnit` is the unit of a bare number whose key names none (e.g. `M` for `--max-old-space-size`).
 */
export function readQuantity(kind: QuantityKind, text: string, key: string, bareUnit?: string): Quantity | undefined {
  if (kind === "count") {
    if (!/^\d+$/.test(text)) return undefined;
    return { base: Number(text), format: (base) => String(Math.floor(base)) };
  }
  const match = /^(\d+)([A-Za-z]*)$/.exec(text);
  if (!match) return undefined;
  const [, digits, suffix] = match;
  const units = kind === "duration" ? DURATION_UNITS : MEMORY_UNITS;
  const unit = suffix !== "" ? suffix : (bareUnit ?? unitOfKey(kind, key, Number(digits)));
  const factor = units[unit];
  if (factor === undefined) return undefined;
  return { base: Number(digits) * factor, format: (base) => `${Math.floor(base / factor)}${suffix}` };
}

/** The unit a key's name gives a bare number: `_ms`, `_seconds`, `_mb`…; else a guess documented in docs/incident.md. */
function unitOfKey(kind: QuantityKind, key: string, value: number): string {
  const last = key.split(".").pop() ?? key;
  if (kind === "duration") {
    if (/(ms|millis|milliseconds)$/i.test(last)) return "ms";
    if (/(sec|secs|seconds|_s)$/i.test(last)) return "s";
    if (/(minutes|mins)$/i.test(last)) return "m";
    return value >= 1000 ? "ms" : "s";
  }
  if (/mb$/i.test(last)) return "mb";
  if (/gb$/i.test(last)) return "gb";
  return "";
}
