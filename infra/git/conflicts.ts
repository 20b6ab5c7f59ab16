/**
 * The text of a merge conflict: the regions between git's conflict markers, with a few lines
 * of context, as a coder is shown them; and the check that none is left after a resolution.
 */

/** A line that opens or closes a conflict region (`<<<<<<< ours`, `>>>>>>> theirs`). */
const EDGE = /^(<{7}|>{7})( |$)/;
const OPEN = /^<{7}( |$)/;
const CLOSE = /^>{7}( |$)/;
/** What a file's hunks may take at most (characters); the rest is cut with a note. */
const MAX_HUNKS_CHARS = 8_000;

/** True when `text` still holds a conflict marker line. */
export function hasConflictMarkers(text: string): boolean {
  return text.split("\n").some((line) => EDGE.test(line));
}

/** The line ranges (0-based, inclusive) from each `<<<<<<<` to its `>>>>>>>`. */
function conflictRegions(lines: readonly string[]): [number, number][] {
  const regions: [number, number][] = [];
  let open: number | undefined;
  lines.forEach((line, i) => {
    if (OPEN.test(line) && open === undefined) open = i;
    else if (CLOSE.test(line) && open !== undefined) {
      regions.push([open, i]);
      open = undefined;
    }
  });
  if (open !== undefined) regions.push([open, lines.length - 1]);
  return regions;
}

/**
 * Each conflict region of `text` with `context` lines around it, regions that touch merged
 * into one; each starts with `@@ line <n> @@` (1-based). Empty when the text has no marker.
 */
export function conflictHunks(text: string, context = 3): string {
  const lines = text.split("\n");
  const spans: [number, number][] = [];
  for (const [from, to] of conflictRegions(lines)) {
    const span: [number, number] = [Math.max(0, from - context), Math.min(lines.length - 1, to + context)];
    const last = spans.at(-1);
    if (last !== undefined && span[0] <= last[1] + 1) last[1] = span[1];
    else spans.push(span);
  }
  const shown = spans.map(([from, to]) => `@@ line ${from + 1} @@\n${lines.slice(from, to + 1).join("\n")}`).join("\n");
  return shown.length <= MAX_HUNKS_CHARS
    ? shown
    : `${shown.slice(0, MAX_HUNKS_CHARS)}\n… (cut at ${MAX_HUNKS_CHARS} characters)`;
}
