// Scenario: what a Python repository declares, read by actors/checker/python/inspect-project.py
// with a real interpreter in the sandbox: the requirements its tests need from every usual place
// (runtime dependencies, the `tests` extra rather than `dev`, dependency groups with includes,
// requirement files with `-r` includes and hashes, tox deps), without the project itself or
// requirements whose markers exclude this Python, each with the installed version or null; the
// flake8 and ruff settings (per-file ignores in both syntaxes); where coverage's config lives;
// and src/ first among the import roots.
import test from "ava";
import { join } from "node:path";
import { createExec, importRoots, inspectPythonProject } from "../actors/checker/index.ts";
import { runInSandbox } from "../infra/sandbox/index.ts";
import { tempDir, writeFiles } from "./helpers/repos.ts";

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

const FILES = {
  "pyproject.toml": [
    "[project]",
    'name = "Demo_Pkg"',
    'dependencies = ["pytest>=7", "attrs; python_version < \'3\'"]',
    "[project.optional-dependencies]",
    'tests = ["patchbay-missing-a", "demo-pkg[extra]"]',
    'dev = ["patchbay-dev-only"]',
    "[dependency-groups]",
    'test = ["patchbay-missing-b", {include-group = "more"}]',
    'more = ["patchbay-missing-c"]',
    "[tool.ruff.lint]",
    'ignore = ["F401"]',
    'per-file-ignores = {"tests/*" = ["F811"]}',
    "",
  ].join("\n"),
  "setup.cfg":
    "[flake8]\nignore = F821, W503\nper-file-ignores =\n    src/__init__.py:F401\n    tests/*: F401, F811\n\n[coverage:run]\nbranch = true\n",
  "requirements/tests.txt": "-r base.txt\npatchbay-missing-d==1.0 \\\n    --hash=sha256:0000\n# a comment\n",
  "requirements/base.txt": "pytest\n",
  "tox.ini": "[testenv]\ndeps =\n    -r{toxinidir}/requirements/tests.txt\n    patchbay-missing-e\ncommands = pytest\n",
  "src/demo_pkg/__init__.py": "",
};

test("requirements, linter settings, coverage config and import roots of a repository", async (t) => {
  const dir = await tempDir("patchbay-inspect-", (fn) => cleanups.push(fn));
  await writeFiles(dir, FILES);
  const exec = createExec({ dir, deadline: Date.now() + 60_000, now: Date.now, run: runInSandbox });
  const declared = await inspectPythonProject(exec, "python3");
  if ("error" in declared) return t.fail(declared.error);
  t.deepEqual(
    declared.requirements.map((item) => `${item.name} ← ${item.source}${item.installed === null ? " (missing)" : ""}`),
    [
      "pytest ← pyproject.toml [project] dependencies",
      "patchbay-missing-a ← pyproject.toml extra 'tests' (missing)",
      "patchbay-missing-b ← pyproject.toml dependency group 'test' (missing)",
      "patchbay-missing-c ← pyproject.toml dependency group 'test' (missing)",
      "patchbay-missing-d ← requirements/tests.txt (missing)",
      "patchbay-missing-e ← tox.ini [testenv] deps (missing)",
    ],
  );
  t.like(declared.flake8, {
    file: "setup.cfg",
    ignore: ["F821", "W503"],
    per_file_ignores: { "src/__init__.py": ["F401"], "tests/*": ["F401", "F811"] },
  });
  t.like(declared.ruff, {
    file: "pyproject.toml [tool.ruff]",
    ignore: ["F401"],
    per_file_ignores: { "tests/*": ["F811"] },
  });
  t.is(declared.coverage, "setup.cfg");
  t.deepEqual(await importRoots(dir), [join(dir, "src"), dir]);
});
