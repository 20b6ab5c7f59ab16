/**
 * Which codes a repository's flake8 or ruff settings report for a file, so that pyflakes can
 * stand in for a configured linter that is not installed and still honour the repo's choices
 * (six's `ignore = F821`). The most specific (longest) matching prefix of `select` or `ignore`
 * decides, an ignore winning a tie; per-file ignores always win.
 */
import { basename } from "node:path";
import type { LinterSettings } from "../python-project.ts";

/** Codes each linter selects when the repo's settings select none. */
export const DEFAULT_SELECT: Record<"flake8" | "ruff", readonly string[]> = {
  flake8: ["E", "F", "W", "C90"],
  ruff: ["E4", "E7", "E9", "F"],
};

/** A glob of flake8's or ruff's per-file ignores as a regular expression (`*` spans folders, as in fnmatch). */
function globRegex(pattern: string): RegExp {
  const body = pattern
    .replace(/^\.\//, "")
    .split(/(\*\*\/|\*|\?)/)
    .map((part) =>
      part === "**/"
        ? "(?:.*/)?"
        : part === "*"
          ? ".*"
          : part === "?"
            ? "."
            : part.replace(/[.+^${}()|[\]\\]/g, "\\$&"),
    )
    .join("");
  return new RegExp(`^${body}$`);
}

/** Whether `pattern` matches `file` (its repo-relative path, or its name alone). */
function globMatches(pattern: string, file: string): boolean {
  const regex = globRegex(pattern);
  const path = file.replace(/^\.\//, "");
  return regex.test(path) || regex.test(basename(path));
}

function longestPrefix(code: string, prefixes: readonly string[]): number {
  let best = -1;
  for (const prefix of prefixes) {
    if (prefix === "ALL") best = Math.max(best, 0);
    else if (code.startsWith(prefix)) best = Math.max(best, prefix.length);
  }
  return best;
}

/** Whether a finding with `code` in `file` is reported under `settings` (a finding without a code always is). */
export function reportsCode(
  settings: LinterSettings,
  defaults: readonly string[],
  code: string | null,
  file: string,
): boolean {
  if (code === null) return true;
  const perFile = Object.entries(settings.per_file_ignores)
    .filter(([pattern]) => globMatches(pattern, file))
    .flatMap(([, codes]) => codes);
  if (longestPrefix(code, perFile) >= 0) return false;
  const select = [...(settings.select.length > 0 ? settings.select : defaults), ...settings.extend_select];
  const selected = longestPrefix(code, select);
  return selected >= 0 && selected > longestPrefix(code, [...settings.ignore, ...settings.extend_ignore]);
}
