/**
 * The repository map the architect gives its model (Aider's repo map): every tracked file
 * the analysis pool can parse with its symbols, and the other tracked files by path, ranked
 * by relevance to the requirement (repo-rank.ts) and rendered one `path: symbol, symbol…`
 * line each, in rank order, until the token budget (estimated as characters / 4) is reached.
 */
import type { AnalysisPool } from "../../infra/analysis/index.ts";
import { SUPPORTED_EXTENSIONS } from "../../infra/analysis/index.ts";
import { rankFiles, type MapFile } from "./repo-rank.ts";

/** The rendered map and what it holds. */
export interface RepoMap {
  text: string;
  /** Files listed in `text`. */
  files: number;
  /** Estimated tokens of `text` (characters / 4, rounded up). */
  tokens: number;
}

/** Symbols listed per file at most; more are cut with `…`. */
const MAX_SYMBOLS = 40;

/** Estimated tokens of `text`: characters / 4, rounded up. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function lineOf(file: MapFile): string {
  const names = [...new Set(file.symbols)];
  if (names.length === 0) return file.path;
  const shown = names.slice(0, MAX_SYMBOLS).join(", ");
  return `${file.path}: ${shown}${names.length > MAX_SYMBOLS ? ", …" : ""}`;
}

/** The lines of `files` ranked for `requirement`, as many as fit in `budget` tokens. */
export function renderRepoMap(files: readonly MapFile[], requirement: string, budget: number): RepoMap {
  const lines: string[] = [];
  let chars = 0;
  for (const file of rankFiles(files, requirement)) {
    const line = lineOf(file);
    const next = chars + (lines.length > 0 ? 1 : 0) + line.length;
    if (Math.ceil(next / 4) > budget) break;
    lines.push(line);
    chars = next;
  }
  const text = lines.join("\n");
  return { text, files: lines.length, tokens: estimateTokens(text) };
}

function isSource(path: string): boolean {
  const lower = path.toLowerCase();
  return SUPPORTED_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** Analyses the tracked `paths` under `root` on `pool` and renders their map for `requirement`. */
export async function buildRepoMap(
  pool: AnalysisPool,
  root: string,
  paths: readonly string[],
  requirement: string,
  budget: number,
): Promise<RepoMap> {
  const sources = paths.filter(isSource);
  const analysed = await pool.analyzeFiles(root, sources, { rules: [] });
  const files: MapFile[] = analysed.map((f) => ({
    path: f.path,
    symbols: f.symbols.map((s) => s.name),
    imports: f.imports,
  }));
  for (const path of paths) if (!isSource(path)) files.push({ path, symbols: [], imports: [] });
  return renderRepoMap(files, requirement, budget);
}
