/**
 * Source files in languages the security check has no analyser for (Go, Rust, Java, Ruby,
 * PHP, C#, C/C++, …): counted per language, tests and vendored code left out, so the check
 * can say what it did not look at instead of passing "0 findings in 0 files".
 */
import { extname } from "node:path";

const LANGUAGES: Record<string, string> = {
  ".go": "Go",
  ".rs": "Rust",
  ".java": "Java",
  ".kt": "Kotlin",
  ".kts": "Kotlin",
  ".scala": "Scala",
  ".groovy": "Groovy",
  ".rb": "Ruby",
  ".php": "PHP",
  ".cs": "C#",
  ".fs": "F#",
  ".vb": "Visual Basic",
  ".c": "C",
  ".h": "C/C++",
  ".cc": "C++",
  ".cpp": "C++",
  ".cxx": "C++",
  ".hpp": "C++",
  ".m": "Objective-C",
  ".mm": "Objective-C",
  ".swift": "Swift",
  ".dart": "Dart",
  ".ex": "Elixir",
  ".exs": "Elixir",
  ".erl": "Erlang",
  ".clj": "Clojure",
  ".hs": "Haskell",
  ".lua": "Lua",
  ".pl": "Perl",
  ".pm": "Perl",
  ".zig": "Zig",
};

const NOT_SOURCE =
  /(^|\/)(test|tests|spec|__tests__|testdata|fixtures|examples?|vendor|third_party|node_modules|\.patchbay-home|\.patchbay-tmp)\//;
const TEST_FILE = /(_test\.go|Tests?\.(java|kt|cs)|_spec\.rb|_test\.rb|Test\.php)$/;

/** Files per language nothing analyses, most files first (`[["Go", 12], ["C", 2]]`). */
export function unanalysedLanguages(files: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const file of files) {
    const language = LANGUAGES[extname(file)];
    if (language === undefined || NOT_SOURCE.test(file) || TEST_FILE.test(file)) continue;
    counts.set(language, (counts.get(language) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
