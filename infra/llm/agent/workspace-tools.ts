/**
 * The file tools of the coding agent, each confined to the task's worktree: every path goes
 * through the sandbox's `resolveInside` (no absolute paths, no `..` climbing out, no symlink
 * leading out) and may not touch `.git`. A refusal or a mistake (search text not found or not
 * unique, a file that exists or does not) is thrown as a ToolError whose text goes back to
 * the model as the tool's result.
 */
import { execFile } from "node:child_process";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { resolveInside } from "../../sandbox/index.ts";

/** A tool call that did not do what was asked; its message is the model's to read. */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ToolError";
  }
}

const MAX_READ_LINES = 400;
const MAX_HITS = 50;

/** The real path of `path` inside `root`, or a ToolError saying why it is refused. */
export async function confined(root: string, path: string): Promise<string> {
  if (path.split(/[\\/]/).some((part) => part === ".git"))
    throw new ToolError(`${path}: .git is not writable or readable by tools`);
  try {
    return await resolveInside(root, path);
  } catch (err) {
    throw new ToolError((err as Error).message);
  }
}

/** Files of the worktree that git tracks or would track (ignored ones left out), under `prefix`. */
export function listFiles(root: string, prefix = ""): Promise<string[]> {
  return new Promise((resolve, reject) =>
    execFile(
      "git",
      ["ls-files", "--cached", "--others", "--exclude-standard", "-z"],
      { cwd: root, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout) => {
        if (err) return reject(new ToolError(`listing files failed: ${err.message}`));
        const clean = prefix.replace(/^\.\/?/, "").replace(/\/$/, "");
        const files = [...new Set(stdout.split("\0").filter(Boolean))].sort();
        resolve(clean === "" ? files : files.filter((f) => f === clean || f.startsWith(`${clean}/`)));
      },
    ),
  );
}

async function textOf(root: string, path: string): Promise<{ real: string; text: string }> {
  const real = await confined(root, path);
  const info = await stat(real).catch(() => undefined);
  if (info === undefined) throw new ToolError(`${path} does not exist`);
  if (!info.isFile()) throw new ToolError(`${path} is not a file`);
  return { real, text: await readFile(real, "utf8") };
}

/** Lines `start`..`end` (1-based, inclusive; at most 400) of a file, numbered. */
export async function readFileRange(root: string, path: string, start = 1, end?: number): Promise<string> {
  const { text } = await textOf(root, path);
  const lines = text.split("\n");
  const from = Math.max(1, start);
  const to = Math.min(lines.length, end ?? lines.length, from + MAX_READ_LINES - 1);
  const shown = lines.slice(from - 1, to).map((line, i) => `${String(from + i).padStart(5)}  ${line}`);
  const more = to < lines.length ? `\n… ${lines.length - to} more lines (read with start_line ${to + 1})` : "";
  return `${path} (${lines.length} lines)\n${shown.join("\n")}${more}`;
}

/** Lines matching the regular expression `pattern` in the listed files under `prefix`: `file:line: text`. */
export async function searchFiles(root: string, pattern: string, prefix = ""): Promise<string> {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern);
  } catch (err) {
    throw new ToolError(`invalid pattern: ${(err as Error).message}`);
  }
  const hits: string[] = [];
  for (const file of await listFiles(root, prefix)) {
    const text = await readFile(await confined(root, file), "utf8").catch(() => "");
    if (text.includes("\0")) continue;
    text.split("\n").forEach((line, i) => {
      if (hits.length < MAX_HITS + 1 && regex.test(line)) hits.push(`${file}:${i + 1}: ${line.trim().slice(0, 200)}`);
    });
  }
  if (hits.length === 0) return `no line matches ${pattern}`;
  return hits.length > MAX_HITS
    ? `${hits.slice(0, MAX_HITS).join("\n")}\n… more matches; narrow the pattern or path`
    : hits.join("\n");
}

/** Replaces the one occurrence of `search` in a file by `replace`. */
export async function editFile(root: string, path: string, search: string, replace: string): Promise<string> {
  if (search === "") throw new ToolError("search text is empty; use create_file for a new file");
  const { real, text } = await textOf(root, path);
  const count = text.split(search).length - 1;
  if (count === 0) throw new ToolError(`search text not found in ${path}; read the file and copy the lines exactly`);
  if (count > 1) throw new ToolError(`search text found ${count} times in ${path}; include more lines so it is unique`);
  await writeFile(
    real,
    text.replace(search, () => replace),
  );
  return `edited ${path}`;
}

/** Creates a new file (and its folders); a file already there is an error. */
export async function createFile(root: string, path: string, content: string): Promise<string> {
  const real = await confined(root, path);
  if ((await stat(real).catch(() => undefined)) !== undefined) throw new ToolError(`${path} exists; use edit_file`);
  await mkdir(dirname(real), { recursive: true });
  await writeFile(real, content);
  return `created ${path}`;
}

/** Deletes a file. */
export async function deleteFile(root: string, path: string): Promise<string> {
  const { real } = await textOf(root, path);
  await rm(real);
  return `deleted ${path}`;
}
