/**
 * The files the analysis checks look at: tracked files in a language tree-sitter parses,
 * without vendored or generated code, and (for security) without tests, whose fixtures are
 * full of fake secrets and deliberate bad input. Static analysis also leaves out what a
 * maintainer does not maintain as code ({@link sortForStaticAnalysis}).
 */
import path from "node:path";
import { languageForPath } from "../../../infra/analysis/index.ts";

const GENERATED =
  /(^|\/)(node_modules|vendor|dist|build|coverage|\.venv|venv|site-packages|\.patchbay-home|\.patchbay-tmp)\/|\.min\.js$/;
const TESTS = /(^|\/)(test|tests|__tests__|spec)\/|\.(test|spec)\.[cm]?[jt]sx?$|(^|\/)test_[^/]*\.py$|_test\.py$/;

/** Tracked source files the analysis pool can parse. */
export function sourceFiles(files: readonly string[], options: { withTests: boolean }): string[] {
  return files.filter(
    (file) => languageForPath(file) !== null && !GENERATED.test(file) && (options.withTests || !TESTS.test(file)),
  );
}

/** Why static analysis leaves a file out, checked in this order. */
const EXCLUDED: readonly { reason: string; pattern: RegExp }[] = [
  {
    reason: "generated",
    pattern:
      /(^|\/)(node_modules|vendor|vendored|third_party|dist|dist[-._][^/]*|build|out|lib-cov|coverage|\.venv|venv|site-packages|\.patchbay-home|\.patchbay-tmp|__generated__|generated)\/|[.-]min\.[cm]?js$|\.bundle\.[cm]?js$|\.generated\.\w+$|_pb2(_grpc)?\.py$/,
  },
  { reason: "stub", pattern: /\.pyi$|\.d\.[cm]?ts$/ },
  {
    reason: "test",
    pattern:
      /(^|\/)(test|tests|__tests__|__mocks__|spec|specs|testing|fixtures|e2e)\/|[._-](test|spec)\.[cm]?[jt]sx?$|(^|\/)(test_[^/]*|[^/]*_test|conftest)\.py$|_test\.go$|(^|\/)(tests?|spec)\.([cm]?[jt]sx?|py)$/,
  },
  { reason: "example", pattern: /(^|\/)(examples?|demos?|samples?|docs?|tutorials?)\// },
  {
    reason: "benchmark",
    pattern: /(^|\/)(bench|benchmarks?|perf)\/|\.bench\.[cm]?[jt]sx?$|(^|\/)(bench|benchmarks?)\.([cm]?[jt]s|py)$/,
  },
  {
    reason: "config",
    pattern:
      /(^|\/)[^/]+\.config\.[cm]?[jt]s$|(^|\/)(\.eslintrc|\.prettierrc|\.mocharc|gulpfile|gruntfile|jakefile)\.[cm]?js$|(^|\/)(setup|noxfile|fabfile)\.py$/i,
  },
];

/** Languages tree-sitter does not parse here, by extension, to name in a skip reason. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  ".go": "Go",
  ".rs": "Rust",
  ".java": "Java",
  ".kt": "Kotlin",
  ".scala": "Scala",
  ".rb": "Ruby",
  ".php": "PHP",
  ".c": "C",
  ".h": "C",
  ".cc": "C++",
  ".cpp": "C++",
  ".hpp": "C++",
  ".cs": "C#",
  ".swift": "Swift",
  ".m": "Objective-C",
  ".dart": "Dart",
  ".ex": "Elixir",
  ".exs": "Elixir",
  ".erl": "Erlang",
  ".hs": "Haskell",
  ".lua": "Lua",
  ".pl": "Perl",
  ".r": "R",
  ".jl": "Julia",
  ".zig": "Zig",
};

/** The reasons a file is left out, in the order they are checked and reported. */
export const EXCLUSION_REASONS: readonly string[] = EXCLUDED.map(({ reason }) => reason);

/** How static analysis sorts the tracked files. */
export interface StaticSources {
  /** Files to analyse (before the content checks for generated files). */
  analysed: string[];
  /** Files left out by path, counted by reason (`generated`, `stub`, `test`, …). */
  excluded: Record<string, number>;
  /** Maintained files in languages that are not analysed, counted by language. */
  unsupported: Record<string, number>;
}

/**
 * Sorts tracked files for static analysis. Left out: generated and vendored files, type stubs
 * (`.pyi`, `.d.ts`), tests, examples and docs, benchmarks, config files, and the build twin
 * of a dual-format module (of `x.mjs`, `x.js` and `x.cjs` only the first present is kept).
 */
export function sortForStaticAnalysis(files: readonly string[]): StaticSources {
  const sorted: StaticSources = { analysed: [], excluded: {}, unsupported: {} };
  const present = new Set(files);
  for (const file of files) {
    const reason = exclusionOf(file, present);
    const language = UNSUPPORTED[path.extname(file).toLowerCase()];
    if (reason !== undefined) {
      if (languageForPath(file) !== null) sorted.excluded[reason] = (sorted.excluded[reason] ?? 0) + 1;
    } else if (languageForPath(file) !== null) {
      sorted.analysed.push(file);
    } else if (language !== undefined) {
      sorted.unsupported[language] = (sorted.unsupported[language] ?? 0) + 1;
    }
  }
  return sorted;
}

const TWIN_ORDER = [".mjs", ".js", ".cjs"];

function exclusionOf(file: string, present: ReadonlySet<string>): string | undefined {
  const found = EXCLUDED.find(({ pattern }) => pattern.test(file))?.reason;
  if (found !== undefined) return found;
  const ext = path.extname(file);
  const rank = TWIN_ORDER.indexOf(ext);
  if (rank <= 0) return undefined;
  const stem = file.slice(0, -ext.length);
  return TWIN_ORDER.slice(0, rank).some((other) => present.has(stem + other)) ? "generated" : undefined;
}

/** A line longer than this is minified or generated code, not code someone maintains. */
export const MAX_MAINTAINED_LINE = 1000;

const GENERATED_HEADER =
  /^\s*(\/\/|#|\/?\*+)\s*(@generated\b|.*\bdo not edit\b|code generated\b|(this (file|code) (is|was|has been) )?(automatically |auto-?)?generated (by|from|with)\b)/i;

/**
 * Whether a file's text says it is generated: a comment in its first five lines that says so
 * (`@generated`, `… DO NOT EDIT`, `Code generated by …`, `Generated by …`, `This file was
 * automatically generated from …`), or a line longer than {@link MAX_MAINTAINED_LINE}
 * characters (minified code).
 */
export function isGeneratedText(text: string): boolean {
  const lines = text.split("\n");
  if (lines.slice(0, 5).some((line) => GENERATED_HEADER.test(line))) return true;
  return lines.some((line) => line.length > MAX_MAINTAINED_LINE);
}
