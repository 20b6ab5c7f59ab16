/**
 * Extracts the file paths a unified diff (git-style or plain `diff -u`) names. Hunk bodies
 * are skipped by their line counts, so a removed line that reads `-- x` (shown as `--- x`)
 * is not mistaken for a file header.
 */

/** One path found in a diff. */
export interface PatchPath {
  /** The path with a git `a/` or `b/` prefix removed. */
  path: string;
  /** The path exactly as the diff wrote it (after unquoting). */
  raw: string;
}

const HUNK = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/;
const NAME_LINE = /^(?:rename|copy) (?:from|to) (.+)$/;

/** Every path named in `diff`: `---`/`+++` headers, `diff --git` lines, rename and copy lines. */
export function patchPaths(diff: string): PatchPath[] {
  const found: PatchPath[] = [];
  const add = (raw: string | undefined): void => {
    if (raw === undefined || raw === "" || raw === "/dev/null") return;
    found.push({ raw, path: /^[ab]\//.test(raw) ? raw.slice(2) : raw });
  };
  let oldLeft = 0;
  let newLeft = 0;
  for (const rawLine of diff.split("\n")) {
    const line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    if (oldLeft > 0 || newLeft > 0) {
      const kind = line[0] ?? " ";
      if (kind === " " || kind === "-" || kind === "+" || kind === "\\") {
        if (kind !== "+" && kind !== "\\") oldLeft--;
        if (kind !== "-" && kind !== "\\") newLeft--;
        continue;
      }
      oldLeft = newLeft = 0; // malformed hunk: read the line as a header
    }
    const hunk = HUNK.exec(line);
    if (hunk) {
      oldLeft = hunk[1] === undefined ? 1 : Number(hunk[1]);
      newLeft = hunk[2] === undefined ? 1 : Number(hunk[2]);
    } else if (line.startsWith("--- ") || line.startsWith("+++ ")) {
      add(headerPath(line.slice(4)));
    } else if (line.startsWith("diff --git ")) {
      gitDiffLinePaths(line.slice("diff --git ".length)).forEach(add);
    } else {
      const named = NAME_LINE.exec(line);
      if (named) add(named[1].startsWith('"') ? unquote(named[1]).value : named[1]);
    }
  }
  return found;
}

/** The path of a `---`/`+++` header: quoted, or up to a tab (plain diff puts a date there). */
function headerPath(rest: string): string {
  if (rest.startsWith('"')) return unquote(rest).value;
  const tab = rest.indexOf("\t");
  return tab === -1 ? rest : rest.slice(0, tab);
}

/**
 * Both names of a `diff --git a/x b/y` line. Unquoted names with spaces are ambiguous, so
 * every way of splitting at ` b/` is returned; checking all of them only errs on the safe side.
 */
function gitDiffLinePaths(rest: string): string[] {
  if (rest.startsWith('"')) {
    const first = unquote(rest);
    const second = rest.slice(first.length).trimStart();
    return [first.value, second.startsWith('"') ? unquote(second).value : second];
  }
  const names: string[] = [];
  for (let at = rest.indexOf(" "); at !== -1; at = rest.indexOf(" ", at + 1)) {
    const right = rest.slice(at + 1);
    if (right.startsWith("b/") || right.startsWith('"')) {
      names.push(rest.slice(0, at), right.startsWith('"') ? unquote(right).value : right);
    }
  }
  return names.length > 0 ? names : [rest];
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, "\\": 92 };

/** Decodes a git C-style quoted name (`"a\\tb\\303\\251"`); `length` is how much input it used. */
function unquote(text: string): { value: string; length: number } {
  const bytes: number[] = [];
  let i = 1;
  while (i < text.length && text[i] !== '"') {
    if (text[i] !== "\\") {
      const char = String.fromCodePoint(text.codePointAt(i) ?? 0);
      bytes.push(...Buffer.from(char, "utf8"));
      i += char.length;
    } else if (/^[0-7]{3}$/.test(text.slice(i + 1, i + 4))) {
      bytes.push(parseInt(text.slice(i + 1, i + 4), 8));
      i += 4;
    } else {
      bytes.push(ESCAPES[text[i + 1]] ?? text.charCodeAt(i + 1));
      i += 2;
    }
  }
  return { value: Buffer.from(bytes).toString("utf8"), length: i + 1 };
}
