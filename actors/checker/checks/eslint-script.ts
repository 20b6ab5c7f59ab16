/**
 * What the repository's own lint script gives eslint, so the gate lints what its maintainers
 * lint and not the examples or docs they leave out: the `lint` script, else the `eslint`
 * script, and the scripts it runs (`npm run lint:js && npm run lint:ts`). Every eslint command
 * there gives its file arguments (`index.js "lib/*.js"`: eslint expands the globs itself) and
 * the options that choose or configure what is linted (`--ext .ts`, `-c`, `--rulesdir`, …);
 * options that only shape the output or the exit (format, output file, fix, warnings limit,
 * quiet, cache, colour) are left to patchbay. An eslint command without file arguments lints
 * `.`, and so does a repository whose scripts run no eslint or build its arguments in the
 * shell (`$(git ls-files)`).
 */
import { scriptChain } from "./script-chain.ts";

/** The eslint arguments of the repo's lint script. */
export interface EslintScriptArgs {
  /** Options the script passes (patchbay's own come after them). */
  options: string[];
  /** Files, folders and globs to lint: `["."]` unless the script names them. */
  targets: string[];
  /** The script they were read from, when one runs eslint. */
  script?: string;
}

const LINT_SCRIPTS = ["lint", "eslint"];
/** eslint options (8 and 9) that take a value as the next word when written without `=`. */
const WITH_VALUE = new Set([
  "-c",
  "--config",
  "--env",
  "--ext",
  "--global",
  "--parser",
  "--parser-options",
  "--resolve-plugins-relative-to",
  "--plugin",
  "--rule",
  "--rulesdir",
  "--ignore-path",
  "--ignore-pattern",
  "-f",
  "--format",
  "-o",
  "--output-file",
  "--max-warnings",
  "--cache-location",
  "--cache-strategy",
  "--fix-type",
  "--report-unused-disable-directives-severity",
]);
/** Options about output, exit and caching: patchbay sets its own. */
const DROPPED = new Set([
  "-f",
  "--format",
  "-o",
  "--output-file",
  "--fix",
  "--fix-dry-run",
  "--fix-type",
  "--max-warnings",
  "--quiet",
  "--color",
  "--no-color",
  "--cache",
  "--cache-location",
  "--cache-strategy",
  "--no-error-on-unmatched-pattern",
]);

/** The words of a command as the shell splits them: quoted parts kept whole, quotes removed. */
function shellWords(command: string): string[] {
  const words = command.match(/(?:"[^"]*"|'[^']*'|[^\s"'])+/g) ?? [];
  return words.map((word) => word.replace(/"([^"]*)"|'([^']*)'/g, "$1$2"));
}

/** The words of each eslint command in a script's text (quotes removed), after `npx` and variable assignments. */
function eslintCommands(text: string): string[][] {
  const commands: string[][] = [];
  for (const part of text.split(/&&|\|\||[;|]/)) {
    const words = shellWords(part);
    while (words.length > 0 && (/^[A-Za-z_]\w*=/.test(words[0]) || words[0] === "npx")) words.shift();
    if (words[0] === "eslint") commands.push(words.slice(1));
  }
  return commands;
}

/** Options (kept ones, each with its value) and targets of one eslint command's arguments. */
function splitArguments(args: string[]): { options: string[][]; targets: string[] } {
  const options: string[][] = [];
  const targets: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (!args[i].startsWith("-")) {
      targets.push(args[i]);
      continue;
    }
    const name = args[i].split("=")[0];
    const pair = WITH_VALUE.has(args[i]) && i + 1 < args.length ? [args[i], args[++i]] : [args[i]];
    if (!DROPPED.has(name)) options.push(pair);
  }
  return { options, targets };
}

/** The eslint arguments of the repository's lint script (see the module comment). */
export function eslintScriptArgs(scripts: Record<string, string>): EslintScriptArgs {
  for (const start of LINT_SCRIPTS) {
    const commands = scriptChain(scripts, start).flatMap((name) => eslintCommands(scripts[name]));
    if (commands.length === 0) continue;
    // A command line built by the shell (`eslint $(git ls-files)`) cannot be read: the whole tree then.
    if (commands.flat().some((word) => /[$`]/.test(word))) break;
    const parsed = commands.map(splitArguments);
    const lintsAll = parsed.some((command) => command.targets.length === 0);
    const options = new Map(parsed.flatMap((command) => command.options).map((pair) => [pair.join(" "), pair]));
    return {
      options: [...options.values()].flat(),
      targets: lintsAll ? ["."] : [...new Set(parsed.flatMap((command) => command.targets))],
      script: start,
    };
  }
  return { options: [], targets: ["."] };
}
