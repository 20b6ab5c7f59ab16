/**
 * What a developer needs from a command that went wrong: the first error it printed (with
 * the first stack frame in the repository's own code), without colour codes, instead of the
 * last lines of a stack trace.
 */
import { stripVTControlCharacters } from "node:util";
import type { SandboxResult } from "../../infra/sandbox/index.ts";

/** What a command printed (the sandbox keeps the tail of each stream). */
export type CommandOutput = Pick<SandboxResult, "stdoutTail" | "stderrTail">;

/** `TypeError: …`, `Error [ERR_X]: …`, `…Exception: …`, also after a prefix (mocha's `Exception during run: `). */
const ERROR_LINE = /(?:^|[\s:])((?:[A-Z]\w*)?(?:Error|Exception)(?: \[[\w-]+\])?:\s*\S.*)$/;
/** npm's own report around a failed script: never the error a developer looks for. */
const NPM_LINE = /^npm (?:ERR!|error|warn)/;
/** A stack frame: `at fn (/path/file.js:3:7)` or `at /path/file.js:3:7`. */
const FRAME = /^at (?:.*? \()?((?:file:\/\/)?[^\s()]+?):(\d+):\d+\)?$/;
/** Node's location line printed above a syntax error: `/path/file.js:3`. */
const LOCATION = /^((?:file:\/\/)?\/[^\s:]+):(\d+)$/;

/** The text without ANSI colour and cursor codes. */
export function plainText(text: string): string {
  return stripVTControlCharacters(text);
}

function lines(text: string): string[] {
  return plainText(text)
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
}

function relative(path: string, dir: string | undefined): string {
  const plain = path.startsWith("file://") ? path.slice("file://".length) : path;
  return dir !== undefined && plain.startsWith(`${dir}/`) ? plain.slice(dir.length + 1) : plain;
}

/** The first frame in the repository's code (not Node's internals, not node_modules) below `from`. */
function ownFrame(all: readonly string[], from: number): string | undefined {
  for (let i = from + 1; i < all.length && i <= from + 30; i++) {
    const frame = FRAME.exec(all[i]);
    if (frame === null) {
      if (i > from + 1 && !all[i].startsWith("at ")) return undefined;
      continue;
    }
    if (!frame[1].startsWith("node:") && !frame[1].includes("/node_modules/")) return `${frame[1]}:${frame[2]}`;
  }
  return undefined;
}

/** Node's `file:line` printed a few lines above a syntax or module error. */
function locationAbove(all: readonly string[], at: number): string | undefined {
  for (let i = at - 1; i >= 0 && i >= at - 4; i--) {
    const location = LOCATION.exec(all[i]);
    if (location !== null) return `${location[1]}:${location[2]}`;
  }
  return undefined;
}

/**
 * The first error line of `text` and where it happened (`TypeError: x is not a function at
 * test/a.js:3`), paths relative to `dir`; undefined when no line looks like an error.
 */
export function firstErrorIn(text: string, dir?: string): string | undefined {
  const all = lines(text);
  const at = all.findIndex((line) => ERROR_LINE.test(line) && !NPM_LINE.test(line));
  if (at < 0) return undefined;
  const where = ownFrame(all, at) ?? locationAbove(all, at);
  const line = ERROR_LINE.exec(all[at])?.[1] ?? all[at];
  const message = (dir === undefined ? line : line.replaceAll(`file://${dir}/`, "").replaceAll(`${dir}/`, "")).slice(
    0,
    300,
  );
  return where === undefined ? message : `${message} at ${relative(where, dir)}`;
}

/** The last `count` non-empty lines of stderr, or of stdout when stderr is empty, without colour codes. */
export function lastLines(result: CommandOutput, count = 3): string {
  const err = lines(result.stderrTail);
  return (err.length > 0 ? err : lines(result.stdoutTail)).slice(-count).join(" | ").slice(0, 500);
}

/**
 * What to quote of a command that failed: its first error (stderr first, then stdout), else
 * its last lines.
 */
export function errorExcerpt(result: CommandOutput, dir?: string): string {
  return firstErrorIn(result.stderrTail, dir) ?? firstErrorIn(result.stdoutTail, dir) ?? lastLines(result);
}
