/**
 * Reading a line-coverage figure from the reports Node coverage tools write: istanbul's
 * `coverage-summary.json` (json-summary reporter), its `coverage-final.json` (json reporter:
 * per-file statement maps and hit counts, lines counted as istanbul does: a line is covered
 * when a statement starting on it ran), or `lcov.info` (`LF`/`LH` per file). Only reports
 * written since the run started count, so a stale committed report is never read.
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";

/** Lines measured and lines covered. */
export interface LineFigure {
  total: number;
  covered: number;
  /** The report it was read from. */
  source: string;
}

type FinalFile = { statementMap?: Record<string, { start?: { line?: number } }>; s?: Record<string, number> };

async function freshText(path: string, since: number): Promise<string | undefined> {
  try {
    if ((await stat(path)).mtimeMs < since) return undefined;
    return await readFile(path, "utf8");
  } catch {
    return undefined;
  }
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function fromSummary(value: unknown): Omit<LineFigure, "source"> | undefined {
  const lines = (value as { total?: { lines?: { total?: unknown; covered?: unknown } } } | undefined)?.total?.lines;
  if (typeof lines?.total !== "number" || typeof lines.covered !== "number") return undefined;
  return { total: lines.total, covered: lines.covered };
}

function fromFinal(value: unknown): Omit<LineFigure, "source"> | undefined {
  if (value === null || typeof value !== "object") return undefined;
  let total = 0;
  let covered = 0;
  for (const file of Object.values(value as Record<string, FinalFile>)) {
    const hits = new Map<number, number>();
    for (const [id, place] of Object.entries(file.statementMap ?? {})) {
      const line = place.start?.line;
      if (line !== undefined) hits.set(line, Math.max(hits.get(line) ?? 0, file.s?.[id] ?? 0));
    }
    total += hits.size;
    covered += [...hits.values()].filter((count) => count > 0).length;
  }
  return Object.keys(value).length === 0 ? undefined : { total, covered };
}

function fromLcov(text: string | undefined): Omit<LineFigure, "source"> | undefined {
  if (text === undefined || !/^LF:/m.test(text)) return undefined;
  const sum = (key: string): number =>
    [...text.matchAll(new RegExp(`^${key}:(\\d+)$`, "gm"))].reduce((acc, match) => acc + Number(match[1]), 0);
  return { total: sum("LF"), covered: sum("LH") };
}

/** The line figure of the first fresh report in `dir`, or undefined. */
export async function readLineFigure(dir: string, since: number): Promise<LineFigure | undefined> {
  const readers: [string, (text: string | undefined) => Omit<LineFigure, "source"> | undefined][] = [
    ["coverage-summary.json", (text) => fromSummary(parseJson(text))],
    ["coverage-final.json", (text) => fromFinal(parseJson(text))],
    ["lcov.info", fromLcov],
  ];
  for (const [name, read] of readers) {
    const path = join(dir, name);
    const figure = read(await freshText(path, since));
    if (figure !== undefined) return { ...figure, source: path };
  }
  return undefined;
}
