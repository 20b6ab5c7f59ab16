// Scenario: Python repositories checked as their maintainers would. simplejson's real code (from
// Debian's python3-simplejson, which also shadows it in /usr/bin/python3's site-packages) kept
// under src/ with its tests beside it: a bug planted in the checked-out copy makes its tests fail
// although the installed copy is fine. A declared test dependency that cannot be installed makes
// the unit check unavailable naming it and pip's error (one pip can install is installed into a
// venv made for the check); a test that imports a module nobody
// provides is unavailable naming the module, a broken import of the repo's own fails with its
// first error; coverage follows the repo's own config, and one that measures nothing is
// unavailable, never 0%.
// Needs apt's python3-simplejson and python3-pytest (scripts/install.sh).
import test from "ava";
import type { ExecutionContext } from "ava";
import { execFileSync } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { checkBinding } from "../actors/checker/index.ts";
import type { CheckId, CheckOutcome } from "../protocol/quality-gate.ts";
import {
  branchWith,
  checkerPorts,
  initRepo,
  rawHandler,
  type RawHandler,
  targetOf,
  taskContext,
  tempDir,
  writeFiles,
} from "./helpers/repos.ts";

const DEBIAN_SIMPLEJSON = "/usr/lib/python3/dist-packages/simplejson";
const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

let origin = "";
const heads: Record<string, string> = {};
let handler: RawHandler;

/** simplejson's package under src/ and its tests under tests/ (those that do not import simplejson.tests). */
async function simplejsonRepo(): Promise<Record<string, string>> {
  const files: Record<string, string> = {
    "pyproject.toml": [
      "[project]",
      'name = "simplejson"',
      'version = "3.18.3"',
      "[project.optional-dependencies]",
      'test = ["pytest"]',
      "[tool.pytest.ini_options]",
      'testpaths = ["tests"]',
      "",
    ].join("\n"),
    // Debian's /usr/bin/python3 has simplejson installed: the copy that must not be tested.
    ".python-version": "system\n",
    ".gitignore": "__pycache__/\n",
  };
  for (const name of await readdir(DEBIAN_SIMPLEJSON))
    if (name.endsWith(".py")) files[`src/simplejson/${name}`] = await readFile(join(DEBIAN_SIMPLEJSON, name), "utf8");
  for (const name of await readdir(join(DEBIAN_SIMPLEJSON, "tests"))) {
    if (!name.startsWith("test_") || !name.endsWith(".py")) continue;
    const text = await readFile(join(DEBIAN_SIMPLEJSON, "tests", name), "utf8");
    if (!text.includes("simplejson.tests")) files[`tests/${name}`] = text;
  }
  return files;
}

/** Builds a wheel of a tiny distribution `patchbay-helper` (not on the machine) into `dir`; returns its path. */
async function helperWheel(root: string, dir: string): Promise<string> {
  const source = join(root, "helper-src");
  await writeFiles(source, {
    "pyproject.toml":
      '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n[project]\nname = "patchbay-helper"\nversion = "1.0"\n',
    "patchbay_helper.py": "def answer():\n    return 42\n",
  });
  execFileSync("/usr/bin/python3", [
    "-m",
    "pip",
    "wheel",
    "--no-build-isolation",
    "--no-deps",
    "-q",
    "-w",
    dir,
    source,
  ]);
  return join(dir, "patchbay_helper-1.0-py3-none-any.whl");
}

test.before(async () => {
  execFileSync("/usr/bin/python3", ["-c", "import simplejson, pytest"]); // apt: python3-simplejson python3-pytest
  const root = await tempDir("patchbay-checks-pyenv-", (fn) => cleanups.push(fn));
  const { ports, analysis } = checkerPorts(join(root, "cache"));
  cleanups.push(() => analysis.close());
  // The one place outside the worktree the sandbox lets a check see (and write): a wheel put there
  // stands for a package the machine's index has, with no network needed.
  const wheels = join(root, "package-cache");
  ports.packageCache = wheels;
  origin = join(root, "origin");
  const repo = await simplejsonRepo();
  heads.main = await initRepo(origin, repo);
  const init = repo["src/simplejson/__init__.py"];
  heads.broken = await branchWith(origin, "main", "broken", {
    "src/simplejson/__init__.py": init.replace(
      "        return _default_encoder.encode(obj)\n",
      "        return _default_encoder.encode(obj).replace('\"', \"'\")\n",
    ),
  });
  heads.custom = await branchWith(origin, "broken", "custom", {
    "patchbay.json": JSON.stringify({ unit: "python3 -m pytest -q -p no:cacheprovider tests" }),
  });
  heads.undeclared = await branchWith(origin, "main", "undeclared", {
    "tests/test_needs_plugin.py":
      "import patchbay_missing_module\n\n\ndef test_x():\n    assert patchbay_missing_module\n",
  });
  heads.conftest = await branchWith(origin, "main", "conftest", {
    "tests/conftest.py": "import patchbay_missing_module\n",
  });
  heads.ownimport = await branchWith(origin, "main", "ownimport", {
    "tests/test_own.py": "from simplejson import no_such_name\n\n\ndef test_x():\n    assert no_such_name\n",
  });
  heads.missingdep = await branchWith(origin, "main", "missingdep", {
    "pyproject.toml": repo["pyproject.toml"].replace(
      'test = ["pytest"]',
      'test = ["pytest", "patchbay-test-missing-dist"]',
    ),
  });
  heads.covconfig = await branchWith(origin, "main", "covconfig", {
    ".coveragerc": "[run]\nsource = simplejson\n[report]\ninclude = */simplejson/raw_json.py\n",
  });
  heads.installdep = await branchWith(origin, "main", "installdep", {
    "pyproject.toml": repo["pyproject.toml"].replace(
      'test = ["pytest"]',
      `test = ["pytest", "patchbay-helper @ file://${await helperWheel(root, wheels)}"]`,
    ),
    "tests/test_helper.py":
      "import patchbay_helper\n\n\ndef test_helper():\n    assert patchbay_helper.answer() == 42\n",
  });
  heads.nodata = await branchWith(origin, "main", "nodata", {
    ".coveragerc": "[run]\nsource = patchbay_not_a_package\n",
  });
  handler = rawHandler(checkBinding(ports));
});

async function check(t: ExecutionContext, id: CheckId, branch: string): Promise<CheckOutcome> {
  const input = {
    check: id,
    target: targetOf(origin, branch, heads[branch]),
    required_coverage: 80,
    timeout_ms: 240_000,
  };
  const outcome = (await handler(input, taskContext("check.run"))) as CheckOutcome;
  t.log(`${id} on ${branch}: ${outcome.summary} (${outcome.duration_ms} ms)`);
  return outcome;
}

test.serial("the checked-out src/ package is tested, not the installed copy: a planted bug fails", async (t) => {
  const clean = await check(t, "unit_tests", "main");
  t.true(clean.passed, clean.summary);
  t.true(clean.metrics.total > 100, clean.summary);
  const broken = await check(t, "unit_tests", "broken");
  t.false(broken.passed);
  t.true(broken.metrics.failed > 10, broken.summary);
  t.is(broken.metrics.total, clean.metrics.total);
  const custom = await check(t, "unit_tests", "custom");
  t.is(custom.metrics.failed, broken.metrics.failed, "the repo's own unit command also tests the checked-out code");
});

test.serial(
  "a declared test dependency that cannot be installed: unavailable, naming it and pip's error",
  async (t) => {
    const outcome = await check(t, "unit_tests", "missingdep");
    t.is(outcome.status, "unavailable", outcome.summary);
    t.regex(outcome.skip_reason ?? "", /patchbay-test-missing-dist \(pyproject\.toml extra 'test'\)/);
    t.regex(outcome.skip_reason ?? "", /pip: ERROR: .*patchbay-test-missing-dist/);
    t.false(outcome.passed);
  },
);

test.serial("a declared test dependency the machine lacks is installed into a venv for the check", async (t) => {
  const outcome = await check(t, "unit_tests", "installdep");
  t.true(outcome.passed, outcome.summary);
  t.is(outcome.metrics.total, 143);
  t.true(
    outcome.issues.some((issue) =>
      /^installed for the tests into a virtual environment: patchbay-helper @/.test(issue.message),
    ),
    JSON.stringify(outcome.issues),
  );
});

test.serial("a test importing a module nobody provides: unavailable, naming the module", async (t) => {
  const outcome = await check(t, "unit_tests", "undeclared");
  t.is(outcome.status, "unavailable", outcome.summary);
  t.regex(outcome.skip_reason ?? "", /tests\/test_needs_plugin\.py: module 'patchbay_missing_module' is not installed/);
  const conftest = await check(t, "unit_tests", "conftest");
  t.is(conftest.status, "unavailable", conftest.summary);
  t.regex(conftest.skip_reason ?? "", /import tests\/conftest\.py: module 'patchbay_missing_module' is not installed/);
});

test.serial("a broken import of the repo's own code fails with its first error", async (t) => {
  const outcome = await check(t, "unit_tests", "ownimport");
  t.is(outcome.status, "failed");
  t.like(outcome.issues[0], { file: "tests/test_own.py", rule: "import-error" });
  t.regex(outcome.issues[0].message, /ImportError: cannot import name 'no_such_name' from 'simplejson'/);
});

test.serial("coverage: a figure of the checked-out code; a config that measures nothing is unavailable", async (t) => {
  const measured = await check(t, "coverage", "main");
  t.is(measured.status === "unavailable" ? measured.skip_reason : "", "");
  t.true(measured.metrics.coverage > 50, measured.summary);
  const configured = await check(t, "coverage", "covconfig");
  t.is(configured.metrics.coverage, 100, "the repo's .coveragerc reports raw_json.py only");
  const nodata = await check(t, "coverage", "nodata");
  t.is(nodata.status, "unavailable", nodata.summary);
  t.regex(nodata.skip_reason ?? "", /coverage\.py measured nothing with the repo's config \(\.coveragerc\): .*No data/);
  t.false("coverage" in nodata.metrics, JSON.stringify(nodata.metrics));
});
