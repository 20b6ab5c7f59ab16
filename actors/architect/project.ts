/**
 * How a repository runs its tests and installs its packages, read from its files: the
 * package manager from `packageManager` or the lockfile, the test command from the `test`
 * script; for Python, pytest or unittest from the test modules.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** What the analysis reports about the project's commands. */
export interface ProjectCommands {
  test_command: string | null;
  package_manager: string | null;
}

const LOCKFILES: readonly [string, string][] = [
  ["pnpm-lock.yaml", "pnpm"],
  ["yarn.lock", "yarn"],
  ["bun.lockb", "bun"],
  ["package-lock.json", "npm"],
];

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function nodeCommands(dir: string, pkg: Record<string, unknown>): ProjectCommands {
  const declared = typeof pkg.packageManager === "string" ? pkg.packageManager.split("@")[0] : undefined;
  const locked = LOCKFILES.find(([file]) => existsSync(join(dir, file)))?.[1];
  const manager = declared ?? locked ?? "npm";
  const scripts = (pkg.scripts ?? {}) as Record<string, unknown>;
  const test = typeof scripts.test === "string" && !/no test specified/.test(scripts.test) ? `${manager} test` : null;
  return { test_command: test, package_manager: manager };
}

function pythonCommands(dir: string, files: readonly string[]): ProjectCommands {
  const tests = files.filter((f) => /(^|\/)test_[^/]*\.py$|_test\.py$/.test(f));
  const pytestStyle = tests.some((f) => !/unittest/.test(readFileSync(join(dir, f), "utf8")));
  const declared = ["pytest.ini", "tox.ini", "setup.cfg", "pyproject.toml"].some((f) =>
    /pytest/.test(existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8") : ""),
  );
  if (tests.length === 0) return { test_command: null, package_manager: "pip" };
  const command = declared || pytestStyle ? "python3 -m pytest" : "python3 -m unittest discover";
  return { test_command: command, package_manager: "pip" };
}

/** The project's test command and package manager, or nulls when it has none. */
export function projectCommands(dir: string, files: readonly string[]): ProjectCommands {
  const pkg = readJson(join(dir, "package.json"));
  if (pkg) return nodeCommands(dir, pkg);
  if (files.some((f) => f.endsWith(".py"))) return pythonCommands(dir, files);
  return { test_command: null, package_manager: null };
}
