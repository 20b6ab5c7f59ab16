/**
 * Which settings a catalogue entry changes in a repository's configuration files, and to what:
 * every matching setting gets `entry.next` of its value, capped by the lowest limit the
 * configuration states beside any of them (`# … allows 500`, `max 500`, `limit 500`, `up to 500`,
 * on the setting's line or the line above) or else by the entry's cap. The rule depends only on
 * the value and the shared cap, so files that set the same value get the same new value.
 */
import type { SettingChange } from "../../../protocol/incident-swarm.ts";
import type { RemediationEntry } from "./catalogue.ts";
import { normalisedKey } from "./catalogue.ts";
import { settingsIn, type FoundSetting } from "./config-files.ts";
import { readQuantity, type Quantity } from "./quantities.ts";

/** A setting the entry applies to, with its value read. */
interface Candidate {
  found: FoundSetting;
  /** The setting's name in the output, e.g. `NODE_OPTIONS --max-old-space-size`. */
  setting: string;
  quantity: Quantity;
  unit?: string;
}

/** The settings changed, the files' new texts, and the cap applied in words. */
export interface SettingsPlan {
  changes: SettingChange[];
  /** The changed settings' new values in base units (ms, bytes, counts). */
  bases: number[];
  texts: Map<string, string>;
  /** How many settings the entry matched (changed or already at their cap). */
  matched: number;
  cap: string;
}

const STATED_LIMIT = /\b(?:allows?|max(?:imum)?|limit(?:ed to| of| is)?|up to|at most|capped at)\s+(\d+[A-Za-z]*)/i;

/** Plans `entry` over `files` (path → text). */
export function planSettings(entry: RemediationEntry, files: ReadonlyMap<string, string>): SettingsPlan {
  const candidates = [...files].flatMap(([file, text]) => candidatesIn(entry, settingsIn(file, text)));
  const cap = capOf(entry, candidates, files);
  const edits = new Map<string, { start: number; end: number; to: string }[]>();
  const changes: SettingChange[] = [];
  const bases: number[] = [];
  for (const { found, setting, quantity } of candidates) {
    const next = entry.next(quantity.base);
    const base = next >= quantity.base ? Math.max(quantity.base, Math.min(next, cap.base)) : next;
    const to = quantity.format(base);
    if (to === found.value) continue;
    changes.push({ file: found.file, setting, from: found.value, to });
    bases.push(base);
    edits.set(found.file, [...(edits.get(found.file) ?? []), { start: found.start, end: found.end, to }]);
  }
  const texts = new Map([...edits].map(([file, list]) => [file, spliced(files.get(file) ?? "", list)]));
  return { changes, bases, texts, matched: candidates.length, cap: cap.words };
}

function candidatesIn(entry: RemediationEntry, settings: FoundSetting[]): Candidate[] {
  const out: Candidate[] = [];
  for (const found of settings) {
    const key = normalisedKey(found.path);
    if (entry.exclude?.test(key)) continue;
    const quantity = entry.keys.test(key) ? readQuantity(entry.kind, found.value, found.path) : undefined;
    if (quantity) out.push({ found, setting: found.path, quantity });
    const inner = entry.inValue ? entry.inValue.pattern.exec(found.value) : null;
    if (entry.inValue && inner) {
      const start = found.start + inner.index + inner[0].length - inner[1].length;
      const sub = { ...found, value: inner[1], start, end: start + inner[1].length };
      const value = readQuantity(entry.kind, inner[1], found.path, entry.inValue.unit);
      const setting = `${found.path} ${entry.inValue.name}`;
      if (value) out.push({ found: sub, setting, quantity: value, unit: entry.inValue.unit });
    }
  }
  return out;
}

/** The lowest limit stated beside a candidate, else the entry's cap; in base units and in words. */
function capOf(
  entry: RemediationEntry,
  candidates: Candidate[],
  files: ReadonlyMap<string, string>,
): { base: number; words: string } {
  let cap = { base: entry.cap, words: `the catalogue's cap of ${inWords(entry, entry.cap)}` };
  for (const { found, unit } of candidates) {
    const text = files.get(found.file) ?? "";
    const lineStart = text.lastIndexOf("\n", text.lastIndexOf("\n", found.start - 1) - 1) + 1;
    const lineEnd = text.indexOf("\n", found.end);
    const stated = STATED_LIMIT.exec(text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd));
    const limit = stated ? readQuantity(entry.kind, stated[1], found.path, unit) : undefined;
    if (limit && limit.base < cap.base)
      cap = { base: limit.base, words: `the limit of ${stated?.[1]} stated in ${found.file}` };
  }
  return cap;
}

function inWords(entry: RemediationEntry, base: number): string {
  if (entry.kind === "duration") return `${base / 1000} s`;
  if (entry.kind === "memory") return `${base / 1024 ** 3} GiB`;
  return String(base);
}

function spliced(text: string, edits: { start: number; end: number; to: string }[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start))
    out = out.slice(0, edit.start) + edit.to + out.slice(edit.end);
  return out;
}
