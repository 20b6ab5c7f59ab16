/**
 * What a Python repository declares — the requirements its tests need (and whether an
 * interpreter has them), its flake8 and ruff settings, its coverage.py config — read by
 * `python/inspect-project.py` with that interpreter (tomllib, configparser and packaging do
 * the parsing), and where its importable code lives (`src/` layout or the root).
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readFile } from "node:fs/promises";
import { z } from "zod";
import type { Exec } from "./exec.ts";
import { lastLines } from "./exec.ts";

const INSPECT_SCRIPT = fileURLToPath(new URL("./python/inspect-project.py", import.meta.url));

/** A requirement the tests need, and the version of it the interpreter has (null: none). */
export const PythonRequirement = z.object({
  requirement: z.string(),
  name: z.string(),
  source: z.string(),
  installed: z.string().nullable(),
});
/** A requirement the tests need. */
export type PythonRequirement = z.infer<typeof PythonRequirement>;

/** A linter's settings in the repository (flake8's or ruff's). */
export const LinterSettings = z.object({
  file: z.string(),
  select: z.array(z.string()),
  extend_select: z.array(z.string()),
  ignore: z.array(z.string()),
  extend_ignore: z.array(z.string()),
  per_file_ignores: z.record(z.string(), z.array(z.string())),
  /** The paths the repo lints (a tox environment's `flake8 six.py`); empty: the whole repository. */
  paths: z.array(z.string()),
});
/** A linter's settings in the repository. */
export type LinterSettings = z.infer<typeof LinterSettings>;

/** What the repository declares, as seen by one interpreter. */
export const PythonDeclarations = z.object({
  python: z.string(),
  requirements: z.array(PythonRequirement),
  flake8: LinterSettings.nullable(),
  ruff: LinterSettings.nullable(),
  coverage: z.string().nullable(),
});
/** What the repository declares, as seen by one interpreter. */
export type PythonDeclarations = z.infer<typeof PythonDeclarations>;

/** Reads the repository's declarations with `python` (isolated mode: no PYTHONPATH, no user site). */
export async function inspectPythonProject(
  exec: Exec,
  python: string,
): Promise<PythonDeclarations | { error: string }> {
  const script = await readFile(INSPECT_SCRIPT, "utf8");
  const result = await exec.run(python, ["-I", "-c", script], { timeoutMs: 30_000, maxOutputBytes: 1024 * 1024 });
  const line = result.stdoutTail.trim().split("\n").pop() ?? "";
  try {
    return PythonDeclarations.parse(JSON.parse(line));
  } catch {
    return { error: `reading the project's settings with ${python} failed: ${lastLines(result)}` };
  }
}

async function hasPythonCode(dir: string): Promise<boolean> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.isFile() && entry.name.endsWith(".py")) return true;
    if (entry.isDirectory()) {
      const inner = await readdir(join(dir, entry.name)).catch(() => [] as string[]);
      if (inner.includes("__init__.py")) return true;
    }
  }
  return false;
}

/**
 * Where the checked-out code is imported from, first on PYTHONPATH so that it wins over any
 * installed copy: `src/` then the root for a src layout, else the root.
 */
export async function importRoots(dir: string): Promise<string[]> {
  return (await hasPythonCode(join(dir, "src"))) ? [join(dir, "src"), dir] : [dir];
}

/** Whether the repository itself provides a top-level module `name` (at the root, in src/ or a test folder). */
export async function providesModule(dir: string, name: string): Promise<boolean> {
  const top = name.split(".")[0];
  for (const base of [dir, join(dir, "src"), join(dir, "tests"), join(dir, "test")]) {
    const entries = await readdir(base).catch(() => [] as string[]);
    if (entries.includes(top) || entries.includes(`${top}.py`)) return true;
  }
  return false;
}
