/**
 * What kind of repository a worktree holds and which of patchbay's conventions it follows:
 * Node (package.json) or Python, its test commands, integration tests, benchmark, linter
 * configuration and formatter. Only reads files; runs nothing.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";

/** Repository settings for patchbay: `"patchbay": {...}` in package.json, else patchbay.json. */
export interface PatchbaySettings {
  /** Benchmark command (run with `sh -c`); prints its figure as JSON. */
  bench?: string;
  /** Regression (percent) above which the performance check fails (default 10). */
  max_regression_pct?: number;
  /** Unit test command (run with `sh -c`), for repositories without npm scripts. */
  unit?: string;
  /** Integration test command (run with `sh -c`). */
  integration?: string;
  /** Post-deploy verification command (run with `sh -c`): incident-swarm rolls a hotfix back when it fails. */
  verify?: string;
}

/** How a test suite is started. */
export type TestSpec =
  | { kind: "npm-script"; script: string; text: string }
  | { kind: "shell"; text: string }
  | { kind: "node-folder"; dir: string }
  | { kind: "python"; runner: "pytest" | "unittest"; dir?: string; ignore: string[] };

/** What was found in the worktree. */
export interface Project {
  kind: "node" | "python" | "unknown";
  dir: string;
  scripts: Record<string, string>;
  /** Names in dependencies, devDependencies and optionalDependencies. */
  dependencies: string[];
  lockfile?: string;
  settings: PatchbaySettings;
  /** `test/integration` or `tests/integration` when it exists. */
  integrationDir?: string;
  /** Flat eslint config file, if any. */
  eslintConfig?: string;
  /** Legacy `.eslintrc*` file, if any (eslint ≥ 9 cannot read it). */
  eslintLegacyConfig?: string;
  /** The repo depends on prettier. */
  prettier: boolean;
  /** A Python repo that uses pytest (config, conftest.py, a pytest requirement or pytest-style test modules). */
  pytest: boolean;
  /** c8 or nyc settings of the repo's own (then patchbay adds no excludes). */
  coverageConfig: boolean;
}

const NPM_PLACEHOLDER_TEST = /no test specified/;
const FLAT_CONFIGS = [
  "eslint.config.js",
  "eslint.config.mjs",
  "eslint.config.cjs",
  "eslint.config.ts",
  "eslint.config.mts",
];
const LEGACY_CONFIGS = [
  ".eslintrc.js",
  ".eslintrc.cjs",
  ".eslintrc.json",
  ".eslintrc.yaml",
  ".eslintrc.yml",
  ".eslintrc",
];
const PYTHON_MARKERS = ["pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", "tox.ini", "Pipfile"];
const COVERAGE_CONFIGS = [".c8rc", ".c8rc.json", ".nycrc", ".nycrc.json", ".nycrc.yml", ".nycrc.yaml"];

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function isDir(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

async function readJson(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = JSON.parse(await readFile(path, "utf8"));
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

async function readText(path: string): Promise<string> {
  return readFile(path, "utf8").catch(() => "");
}

async function firstExisting(dir: string, names: readonly string[]): Promise<string | undefined> {
  for (const name of names) if (await exists(join(dir, name))) return name;
  return undefined;
}

function stringRecord(value: unknown): Record<string, string> {
  if (value === null || typeof value !== "object") return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
}

function toSettings(value: unknown): PatchbaySettings {
  const raw = value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};
  const text = (key: string): string | undefined =>
    typeof raw[key] === "string" && raw[key] !== "" ? (raw[key] as string) : undefined;
  const limit = raw.max_regression_pct;
  return {
    bench: text("bench"),
    unit: text("unit"),
    integration: text("integration"),
    verify: text("verify"),
    max_regression_pct: typeof limit === "number" && Number.isFinite(limit) ? limit : undefined,
  };
}

async function isPythonRepo(dir: string): Promise<boolean> {
  if ((await firstExisting(dir, PYTHON_MARKERS)) !== undefined) return true;
  const names = await readdir(dir).catch(() => [] as string[]);
  if (names.some((name) => name.endsWith(".py"))) return true;
  for (const sub of ["tests", "test"]) {
    if ((await readdir(join(dir, sub)).catch(() => [] as string[])).some((name) => name.endsWith(".py"))) return true;
  }
  return false;
}

async function usesPytest(dir: string): Promise<boolean> {
  if (await firstExisting(dir, ["pytest.ini", "conftest.py", "tests/conftest.py", "test/conftest.py"])) return true;
  const configs = await Promise.all(
    ["pyproject.toml", "setup.cfg", "tox.ini", "requirements.txt", "requirements-dev.txt"].map((name) =>
      readText(join(dir, name)),
    ),
  );
  if (configs.some((text) => /\[tool\.pytest|\[tool:pytest\]|\[pytest\]|^pytest\b/m.test(text))) return true;
  return hasPytestStyleTests(dir, PYTEST_SCAN_DEPTH);
}

/** How deep test modules are looked for (toolz keeps its tests in `toolz/tests`). */
const PYTEST_SCAN_DEPTH = 4;
/** Folders that hold no test modules of the repository's own. */
const NOT_SOURCE = new Set(["node_modules", "__pycache__", "venv", "site-packages", "build", "dist"]);
/**
 * What only pytest runs: a test module that imports pytest, or a test function at module
 * level (`unittest` collects TestCase methods only, so it would find no tests at all).
 */
const PYTEST_STYLE = /^(?:import pytest\b|from pytest import\b|(?:async )?def test_)/m;

/**
 * A repository that declares pytest nowhere but whose test modules (`test_*.py`, `*_test.py`)
 * are written for it, as upstream toolz's are: it runs pytest from its CI workflow only.
 */
async function hasPytestStyleTests(dir: string, depth: number): Promise<boolean> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile() || !/^test_.*\.py$|_test\.py$/.test(entry.name)) continue;
    if (PYTEST_STYLE.test(await readText(join(dir, entry.name)))) return true;
  }
  if (depth === 0) return false;
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith(".") || NOT_SOURCE.has(entry.name)) continue;
    if (await hasPytestStyleTests(join(dir, entry.name), depth - 1)) return true;
  }
  return false;
}

/** Reads the worktree and tells what it is. */
export async function detectProject(dir: string): Promise<Project> {
  const pkg = await readJson(join(dir, "package.json"));
  const fileSettings = toSettings(await readJson(join(dir, "patchbay.json")));
  const kind = pkg !== undefined ? "node" : (await isPythonRepo(dir)) ? "python" : "unknown";
  const deps = ["dependencies", "devDependencies", "optionalDependencies"].flatMap((key) =>
    Object.keys(stringRecord(pkg?.[key])),
  );
  const pkgSettings = pkg?.patchbay !== undefined ? toSettings(pkg.patchbay) : {};
  const integrationDir = (await isDir(join(dir, "test/integration")))
    ? "test/integration"
    : (await isDir(join(dir, "tests/integration")))
      ? "tests/integration"
      : undefined;
  return {
    kind,
    dir,
    scripts: stringRecord(pkg?.scripts),
    dependencies: [...new Set(deps)],
    lockfile: await firstExisting(dir, ["npm-shrinkwrap.json", "package-lock.json"]),
    settings: { ...fileSettings, ...withoutUndefined(pkgSettings) },
    integrationDir,
    eslintConfig: await firstExisting(dir, FLAT_CONFIGS),
    eslintLegacyConfig: pkg?.eslintConfig !== undefined ? "package.json" : await firstExisting(dir, LEGACY_CONFIGS),
    prettier: deps.includes("prettier"),
    pytest: kind === "python" && (await usesPytest(dir)),
    coverageConfig:
      pkg?.c8 !== undefined || pkg?.nyc !== undefined || (await firstExisting(dir, COVERAGE_CONFIGS)) !== undefined,
  };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter((entry) => entry[1] !== undefined)) as Partial<T>;
}

/** The unit test suite: `test:unit`, else `test` (npm's placeholder does not count), else patchbay.json `unit`. */
export async function unitTestSpec(project: Project): Promise<TestSpec | undefined> {
  if (project.kind === "node") {
    for (const script of ["test:unit", "test"]) {
      const text = project.scripts[script];
      if (text !== undefined && text.trim() !== "" && !NPM_PLACEHOLDER_TEST.test(text))
        return { kind: "npm-script", script, text };
    }
    return project.settings.unit !== undefined ? { kind: "shell", text: project.settings.unit } : undefined;
  }
  if (project.kind !== "python") return undefined;
  if (project.settings.unit !== undefined) return { kind: "shell", text: project.settings.unit };
  const runner = project.pytest ? "pytest" : "unittest";
  for (const dir of ["tests/unit", "test/unit"])
    if (await isDir(join(project.dir, dir))) return { kind: "python", runner, dir, ignore: [] };
  const ignore = project.integrationDir === undefined ? [] : [project.integrationDir];
  if (runner === "pytest") return { kind: "python", runner, ignore };
  for (const dir of ["tests", "test"])
    if (await isDir(join(project.dir, dir))) return { kind: "python", runner, dir, ignore };
  return { kind: "python", runner, ignore };
}

/** The integration suite: `test:integration`, else the integration folder, else patchbay.json `integration`. */
export function integrationTestSpec(project: Project): TestSpec | undefined {
  const script = project.scripts["test:integration"];
  if (project.kind === "node" && script !== undefined && script.trim() !== "")
    return { kind: "npm-script", script: "test:integration", text: script };
  if (project.settings.integration !== undefined) return { kind: "shell", text: project.settings.integration };
  if (project.integrationDir === undefined) return undefined;
  if (project.kind === "node") return { kind: "node-folder", dir: project.integrationDir };
  if (project.kind === "python")
    return { kind: "python", runner: project.pytest ? "pytest" : "unittest", dir: project.integrationDir, ignore: [] };
  return undefined;
}

/** A human name of where a suite comes from. */
export function describeSpec(spec: TestSpec): string {
  switch (spec.kind) {
    case "npm-script":
      return `npm script "${spec.script}"`;
    case "shell":
      return `command "${spec.text}"`;
    case "node-folder":
      return `node --test on ${spec.dir}`;
    case "python":
      return `${spec.runner} on ${spec.dir ?? "the repository"}`;
    default: {
      const _exhaustive: never = spec;
      return _exhaustive;
    }
  }
}
