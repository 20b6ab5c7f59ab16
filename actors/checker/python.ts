/**
 * The Python tools on the machine. Every `python3` is probed — each one on the sandbox PATH
 * plus Debian's `/usr/bin/python3` and `/usr/local/bin/python3` — because tools live with
 * their interpreter: apt's coverage and pyflakes sit with Debian's python, pytest perhaps
 * with a pyenv one. The probe runs in the sandbox, in the worktree (so a `.python-version`
 * there is honoured), and asks each interpreter which of the modules it can import.
 */
import { access, constants, realpath } from "node:fs/promises";
import { delimiter, join } from "node:path";
import type { Exec } from "./exec.ts";

/** Modules patchbay looks for. */
export type PythonModule = "coverage" | "flake8" | "pyflakes" | "pytest" | "ruff";
const MODULES: PythonModule[] = ["coverage", "flake8", "pyflakes", "pytest", "ruff"];

/** One interpreter and what it has. */
export interface PythonInfo {
  /** How it is invoked (the path found). */
  path: string;
  /** `sys.executable`. */
  executable: string;
  version: string;
  modules: Record<PythonModule, boolean>;
}

const PROBE = [
  "import importlib.util, json, sys",
  `mods = ${JSON.stringify(MODULES)}`,
  "print(json.dumps({'executable': sys.executable, 'version': '%d.%d.%d' % sys.version_info[:3],",
  "  'modules': {m: importlib.util.find_spec(m) is not None for m in mods}}))",
].join("\n");

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** Executables named `name` on a PATH, in order, plus extra absolute candidates. */
export async function findOnPath(name: string, searchPath: string, extra: readonly string[] = []): Promise<string[]> {
  const found: string[] = [];
  const seen = new Set<string>();
  for (const candidate of [
    ...searchPath
      .split(delimiter)
      .filter(Boolean)
      .map((dir) => join(dir, name)),
    ...extra,
  ]) {
    if (!(await executable(candidate))) continue;
    const real = await realpath(candidate).catch(() => candidate);
    // pyenv shims are scripts that all resolve to the same file; keep each shim directory once.
    const key = real.includes("/shims/") ? candidate : real;
    if (seen.has(key)) continue;
    seen.add(key);
    found.push(candidate);
  }
  return found;
}

/** Probes every python3 on the machine; interpreters that fail the probe are left out. */
export async function probePythons(exec: Exec, searchPath: string): Promise<PythonInfo[]> {
  const candidates = await findOnPath("python3", searchPath, ["/usr/bin/python3", "/usr/local/bin/python3"]);
  const infos: PythonInfo[] = [];
  for (const path of candidates) {
    // -I: what the interpreter has installed, not the worktree's own packages (linting pyflakes itself).
    const result = await exec.run(path, ["-I", "-c", PROBE], { timeoutMs: 20_000, maxOutputBytes: 16 * 1024 });
    if (result.exitCode !== 0) continue;
    try {
      const parsed = JSON.parse(result.stdoutTail.trim().split("\n").pop() ?? "") as Omit<PythonInfo, "path">;
      if (infos.some((info) => info.executable === parsed.executable)) continue;
      infos.push({ path, ...parsed });
    } catch {
      // not a Python 3 we understand
    }
  }
  return infos;
}

/** The first interpreter that has every module in `needs`. */
export function pickPython(pythons: readonly PythonInfo[], needs: readonly PythonModule[]): PythonInfo | undefined {
  return pythons.find((python) => needs.every((module) => python.modules[module]));
}

/** `python3 3.11.7 (/usr/bin/python3: coverage, pyflakes)`-style list for skip reasons. */
export function describePythons(pythons: readonly PythonInfo[]): string {
  if (pythons.length === 0) return "no python3 found";
  return pythons
    .map(
      (python) =>
        `${python.executable} ${python.version}: ${MODULES.filter((module) => python.modules[module]).join(", ") || "none of " + MODULES.join("/")}`,
    )
    .join("; ");
}
