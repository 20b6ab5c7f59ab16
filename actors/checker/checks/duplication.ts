/**
 * Duplicated code: lines are normalised (trimmed; blank, comment-only and bracket-only lines
 * dropped), every window of {@link WINDOW} consecutive normalised lines is hashed, and a run
 * of windows that also occur elsewhere is one duplicated region. Regions are grouped by
 * their first window; a group of n copies counts n − 1 duplicate blocks.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

/** Normalised lines per window (about a screen's paragraph of real code). */
export const WINDOW = 6;

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

function normalise(source: string): Line[] {
  const out: Line[] = [];
  source.split("\n").forEach((raw, index) => {
    const text = raw.trim();
    if (text.length < 4 || /^(\/\/|#|\*|\/\*)/.test(text) || /^[\s{}()[\];,]*$/.test(text)) return;
    out.push({ text, number: index + 1 });
  });
  return out;
}

interface Region {
  file: string;
  line: number;
  key: string;
  windows: number;
}

/** Finds duplicated blocks across `files` (relative to `root`); unreadable files are left out. */
export async function findDuplicates(root: string, files: readonly string[]): Promise<DuplicateBlock[]> {
  const perFile: { file: string; lines: Line[]; keys: string[] }[] = [];
  const seen = new Map<string, number>();
  for (const file of files) {
    const lines = normalise(await readFile(join(root, file), "utf8").catch(() => ""));
    const keys: string[] = [];
    for (let i = 0; i + WINDOW <= lines.length; i += 1) {
      const key = createHash("sha1")
        .update(
          lines
            .slice(i, i + WINDOW)
            .map((line) => line.text)
            .join("\n"),
        )
        .digest("hex");
      keys.push(key);
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    perFile.push({ file, lines, keys });
  }
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
