/**
 * The options a script gives nyc or c8 on its command line (`c8 --all --include=src node
 * --test`), kept for the `report` step patchbay runs after the script: the same includes,
 * excludes and `--all` as the maintainers' run, without the reporters (patchbay asks for
 * json-summary) and without coverage thresholds.
 */

/** Options that take a value as the next word when written without `=`. */
const WITH_VALUE = new Set([
  "-r",
  "--reporter",
  "-o",
  "--reports-dir",
  "--report-dir",
  "-n",
  "--include",
  "-x",
  "--exclude",
  "-e",
  "--extension",
  "--src",
  "-t",
  "--temp-dir",
  "--temp-directory",
  "--cwd",
  "--branches",
  "--lines",
  "--functions",
  "--statements",
]);
const DROPPED = new Set([
  "-r",
  "--reporter",
  "--check-coverage",
  "--branches",
  "--lines",
  "--functions",
  "--statements",
  "--per-file",
  "--100",
]);

/** The name of an option word (`--include=src` → `--include`). */
function optionName(word: string): string {
  return word.split("=")[0];
}

/** The words after `tool` in `text` that are its options (up to the command it wraps). */
export function toolOptions(text: string, tool: "nyc" | "c8"): string[] {
  const words = text.split(/\s+/).map((word) => word.replace(/^(['"])(.*)\1$/, "$2"));
  const at = words.indexOf(tool);
  if (at < 0) return [];
  const options: string[] = [];
  for (let i = at + 1; i < words.length && words[i].startsWith("-"); i++) {
    const pair = WITH_VALUE.has(words[i]) && i + 1 < words.length ? [words[i], words[++i]] : [words[i]];
    if (!DROPPED.has(optionName(pair[0]))) options.push(...pair);
  }
  return options;
}

/** The reports dir an option list names (`-o x`, `--reports-dir=x`, `--report-dir x`), if any. */
export function reportsDirOption(options: readonly string[]): string | undefined {
  for (let i = 0; i < options.length; i++) {
    const name = optionName(options[i]);
    if (!["-o", "--reports-dir", "--report-dir"].includes(name)) continue;
    return options[i].includes("=") ? options[i].slice(options[i].indexOf("=") + 1) : options[i + 1];
  }
  return undefined;
}
