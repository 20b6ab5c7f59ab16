/**
 * Duplicated code: only logical lines are compared (no blank, comment or docstring lines,
 * from the analysis pool), trimmed, with short and bracket-only lines dropped; every window
 * of {@link WINDOW} consecutive such lines is hashed, and a run of windows that also occur
 * elsewhere is one duplicated region. Regions are grouped by their first window; a group of
 * n copies counts n − 1 duplicate blocks, and the lines of those extra copies are the
 * duplicated lines.
 */
import { createHash } from "node:crypto";

/** Normalised lines per window (about a screen's paragraph of real code). */
export const WINDOW = 6;

/** One file's text and the 1-based numbers of its logical lines. */
export interface SourceText {
  file: string;
  text: string;
  codeLines: readonly number[];
}

/** One extra copy of a duplicated block. */
export interface DuplicateBlock {
  file: string;
  line: number;
  /** Where the first copy is. */
  firstFile: string;
  firstLine: number;
  /** Normalised lines the copy spans (at least {@link WINDOW}). */
  lines: number;
}

interface Line {
  text: string;
  number: number;
}

function normalise(source: SourceText): Line[] {
  const raw = source.text.split("\n");
  const out: Line[] = [];
  for (const number of source.codeLines) {
    const text = (raw[number - 1] ?? "").trim();
    if (text.length < 4 || /^[\s{}()[\];,]*$/.test(text)) continue;
    out.push({ text, number });
  }
  return out;
}

interface Region {
  file: string;
  line: number;
  key: string;
  windows: number;
}

function windowKeys(lines: readonly Line[]): string[] {
  const keys: string[] = [];
  for (let i = 0; i + WINDOW <= lines.length; i += 1) {
    const text = lines
      .slice(i, i + WINDOW)
      .map((line) => line.text)
      .join("\n");
    keys.push(createHash("sha1").update(text).digest("hex"));
  }
  return keys;
}

/** Finds duplicated blocks across `sources`. */
export function findDuplicates(sources: readonly SourceText[]): DuplicateBlock[] {
  const perFile = sources.map((source) => {
    const lines = normalise(source);
    return { file: source.file, lines, keys: windowKeys(lines) };
  });
  const seen = new Map<string, number>();
  for (const { keys } of perFile) for (const key of keys) seen.set(key, (seen.get(key) ?? 0) + 1);
  const regions: Region[] = [];
  for (const { file, lines, keys } of perFile) {
    let open: Region | undefined;
    keys.forEach((key, i) => {
      if ((seen.get(key) ?? 0) < 2) return void (open = undefined);
      if (open !== undefined) return void (open.windows += 1);
      open = { file, line: lines[i].number, key, windows: 1 };
      regions.push(open);
    });
  }
  return toBlocks(regions);
}

function toBlocks(regions: Region[]): DuplicateBlock[] {
  const groups = new Map<string, Region[]>();
  for (const region of regions) groups.set(region.key, [...(groups.get(region.key) ?? []), region]);
  const blocks: DuplicateBlock[] = [];
  for (const group of groups.values()) {
    const [first, ...copies] = group;
    for (const copy of copies) {
      blocks.push({
        file: copy.file,
        line: copy.line,
        firstFile: first.file,
        firstLine: first.line,
        lines: copy.windows + WINDOW - 1,
      });
    }
  }
  return blocks;
}
