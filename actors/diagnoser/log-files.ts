/**
 * The log-file source: each file's lines (the tail of a large file), those with a timestamp
 * kept only inside the window. Relative paths are read from the service repository's
 * worktree (and may not leave it), absolute ones from this machine's disk.
 */
import { open } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import { errorText } from "./http.ts";
import { parseLogLine } from "./log-lines.ts";
import { emptyRead, type SourceRead } from "./source-read.ts";
import { inWindow, type TimeWindow } from "./window.ts";

/** The most read of one file: its last bytes. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** The last {@link MAX_FILE_BYTES} of `path` as text (a partial first line of a clipped file is dropped). */
async function readTail(path: string): Promise<string> {
  const file = await open(path, "r");
  try {
    const { size } = await file.stat();
    const length = Math.min(size, MAX_FILE_BYTES);
    const buffer = Buffer.alloc(length);
    await file.read(buffer, 0, length, size - length);
    const text = buffer.toString("utf8");
    return length < size ? text.slice(text.indexOf("\n") + 1) : text;
  } finally {
    await file.close();
  }
}

/** Where `path` is read from; throws when a relative path leaves the worktree. */
function locate(worktree: string, path: string): string {
  if (isAbsolute(path)) return path;
  const full = resolve(worktree, path);
  const inside = relative(worktree, full);
  if (inside.startsWith("..") || isAbsolute(inside)) throw new Error(`${path} leaves the repository`);
  return full;
}

/** Reads one log file: its lines in the window, reported as source `log_file:<path>`. */
export async function readLogFile(worktree: string, path: string, window: TimeWindow): Promise<SourceRead> {
  const source = `log_file:${path}`;
  try {
    const text = await readTail(locate(worktree, path));
    const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
    const logs = lines.map((line) => parseLogLine(line, path)).filter((l) => inWindow(window, l.timestamp));
    return { ...emptyRead(source, "ok", `${logs.length} of ${lines.length} lines in the window`), logs };
  } catch (err) {
    return emptyRead(source, "unreachable", errorText(err));
  }
}
