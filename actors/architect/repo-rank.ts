/**
 * How the repository map ranks files (Aider's repo map, simplified and deterministic):
 *
 * 1. A file the requirement names (its path, or its file name with the extension) comes first.
 * 2. Then by relevance: each word of the requirement (camelCase and snake_case split, lower
 *    case, a plural `s` dropped, words under 3 letters and stop words left out) counts 2 when
 *    it is a word of the file's path and 1 when it is a word of one of its symbols' names,
 *    plus half the file's import rank.
 * 3. The import rank is PageRank over the import graph (relative imports resolved to the
 *    repository's files), scaled so that the average file has 1: a file many others import
 *    ranks higher.
 * 4. Ties: files with symbols before those without, then by path.
 */
import { posix } from "node:path";

/** A file as the map sees it: its path, its symbols' names and its module specifiers. */
export interface MapFile {
  path: string;
  symbols: string[];
  imports: string[];
}

/** A file with its rank's parts. */
export interface RankedFile extends MapFile {
  named: boolean;
  relevance: number;
  importRank: number;
  score: number;
}

const STOP_WORDS = new Set(
  "the and for with from into that this then than when what which while add fix use new make file files code page".split(
    " ",
  ),
);
const PATH_WEIGHT = 2;
const SYMBOL_WEIGHT = 1;
const IMPORT_WEIGHT = 0.5;
const DAMPING = 0.85;
const ITERATIONS = 30;
const EXTENSIONS = ["", ".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".py", "/index.ts", "/index.js", "/__init__.py"];

/** The words of `text`: camelCase split, lower case, plural `s` dropped, short and stop words left out. */
export function wordsOf(text: string): Set<string> {
  const split = text.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  const words = split.split(/[^a-z0-9]+/).filter((w) => w.length >= 3 && !STOP_WORDS.has(w));
  return new Set(words.map((w) => (w.length > 3 && w.endsWith("s") && !w.endsWith("ss") ? w.slice(0, -1) : w)));
}

/** The repository file `spec` (imported by `from`) names, or undefined (a package, or not found). */
function resolveImport(from: string, spec: string, paths: ReadonlySet<string>): string | undefined {
  const relative = spec.startsWith(".");
  const base = relative ? posix.join(posix.dirname(from), spec) : spec.replace(/\./g, "/");
  const stem = base.replace(/\.(js|jsx|mjs|cjs)$/, "");
  for (const candidate of [base, stem]) {
    const found = EXTENSIONS.map((ext) => candidate + ext).find((p) => paths.has(p));
    if (found !== undefined) return found;
  }
  return undefined;
}

/** PageRank of each file over its imports, scaled so that the mean is 1. */
export function importRanks(files: readonly MapFile[]): Map<string, number> {
  const paths = new Set(files.map((f) => f.path));
  const edges = new Map<string, string[]>();
  for (const file of files) {
    const targets = file.imports.map((spec) => resolveImport(file.path, spec, paths));
    edges.set(file.path, [...new Set(targets.filter((p): p is string => p !== undefined && p !== file.path))]);
  }
  const n = files.length;
  let rank = new Map(files.map((f) => [f.path, 1 / n]));
  for (let i = 0; i < ITERATIONS; i++) {
    const at = (map: Map<string, number>, path: string) => map.get(path) ?? 0;
    const dangling = files.filter((f) => edges.get(f.path)?.length === 0).reduce((s, f) => s + at(rank, f.path), 0);
    const next = new Map(files.map((f) => [f.path, (1 - DAMPING) / n + (DAMPING * dangling) / n]));
    for (const [from, targets] of edges)
      for (const to of targets) next.set(to, at(next, to) + (DAMPING * at(rank, from)) / targets.length);
    rank = next;
  }
  return new Map([...rank].map(([path, r]) => [path, r * n]));
}

function named(path: string, requirement: string): boolean {
  const text = requirement.toLowerCase();
  const name = posix.basename(path).toLowerCase();
  return text.includes(path.toLowerCase()) || new RegExp(`(^|[^\\w./-])${escapeRegExp(name)}\\b`).test(text);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function overlap(words: ReadonlySet<string>, wanted: ReadonlySet<string>): number {
  let count = 0;
  for (const w of words) if (wanted.has(w)) count += 1;
  return count;
}

/** `files` in the map's order for `requirement` (see the module's comment). */
export function rankFiles(files: readonly MapFile[], requirement: string): RankedFile[] {
  if (files.length === 0) return [];
  const wanted = wordsOf(requirement);
  const ranks = importRanks(files);
  const ranked = files.map((file) => {
    const pathWords = wordsOf(file.path.replace(/\.[a-z]+$/i, ""));
    const symbolWords = wordsOf(file.symbols.join(" "));
    const relevance = PATH_WEIGHT * overlap(pathWords, wanted) + SYMBOL_WEIGHT * overlap(symbolWords, wanted);
    const importRank = ranks.get(file.path) ?? 0;
    const score = relevance + IMPORT_WEIGHT * importRank;
    return { ...file, named: named(file.path, requirement), relevance, importRank, score };
  });
  return ranked.sort(
    (a, b) =>
      Number(b.named) - Number(a.named) ||
      b.score - a.score ||
      Number(b.symbols.length > 0) - Number(a.symbols.length > 0) ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
}
