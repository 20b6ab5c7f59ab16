// Scenario: Python lint with the repository's own linter and settings, on six's real code (six.py
// from Debian's python3-six) with six's flake8 config (`ignore = F821`: six refers to Python 2
// names on purpose). flake8 runs with that config; a ruff config, ruff not being installed, gets
// pyflakes standing in with its ignores honoured and a note; without any config pyflakes' defaults
// report the undefined names as errors. A tox environment that runs `flake8 six.py` (six's own
// tox.ini) limits flake8 to six.py, as the maintainers lint it: a test file's findings are not
// counted. Needs apt's python3-six, python3-pyflakes and flake8.
import test from "ava";
import type { ExecutionContext } from "ava";
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { checkBinding } from "../actors/checker/index.ts";
import type { CheckOutcome } from "../protocol/quality-gate.ts";
import {
  branchWith,
  checkerPorts,
  initRepo,
  rawHandler,
  type RawHandler,
  targetOf,
  taskContext,
  tempDir,
} from "./helpers/repos.ts";

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

let origin = "";
const heads: Record<string, string> = {};
let handler: RawHandler;

test.before(async () => {
  execFileSync("flake8", ["--version"]); // apt: flake8
  const root = await tempDir("patchbay-checks-pylint-", (fn) => cleanups.push(fn));
  const { ports, analysis } = checkerPorts(join(root, "cache"));
  cleanups.push(() => analysis.close());
  origin = join(root, "origin");
  heads.main = await initRepo(origin, { "six.py": await readFile("/usr/lib/python3/dist-packages/six.py", "utf8") });
  heads.flake8 = await branchWith(origin, "main", "flake8", {
    "setup.cfg": "[flake8]\nmax-line-length = 100\nignore = F821\n",
  });
  heads.tox = await branchWith(origin, "flake8", "tox", {
    "tox.ini": "[testenv]\ncommands = python -m pytest\n[testenv:flake8]\ndeps = flake8\ncommands = flake8 six.py\n",
    "test_six.py": "import os\nimport six\n\n\ndef test_b():\n    assert six.b('x') == b'x'\n",
  });
  heads.ruff = await branchWith(origin, "main", "ruff", { "ruff.toml": '[lint]\nignore = ["F821"]\n' });
  handler = rawHandler(checkBinding(ports));
});

async function lint(t: ExecutionContext, branch: string): Promise<CheckOutcome> {
  const input = {
    check: "lint",
    target: targetOf(origin, branch, heads[branch]),
    required_coverage: 80,
    timeout_ms: 120_000,
  };
  const outcome = (await handler(input, taskContext("check.run"))) as CheckOutcome;
  t.log(`lint on ${branch}: ${outcome.summary} (${outcome.duration_ms} ms)`);
  return outcome;
}

test.serial("no config: pyflakes' defaults report six's Python 2 names as undefined", async (t) => {
  const outcome = await lint(t, "main");
  t.regex(outcome.summary, /— pyflakes$/);
  t.true(outcome.metrics.errors >= 10, outcome.summary);
  t.true(outcome.issues.every((issue) => issue.rule === "F821"));
});

test.serial("six's flake8 config: flake8 runs with it, F821 ignored, its style findings errors", async (t) => {
  const outcome = await lint(t, "flake8");
  t.regex(outcome.summary, /— flake8 \(setup\.cfg\)$/);
  t.false(
    outcome.issues.some((issue) => issue.rule === "F821"),
    JSON.stringify(outcome.issues),
  );
  t.true(
    outcome.issues.some((issue) => issue.rule === "E501"),
    "six has lines over its 100 columns",
  );
  t.false(outcome.passed);
  t.true(
    outcome.issues.every((issue) => /^[EWFC]\d+$/.test(issue.rule ?? "")),
    JSON.stringify(outcome.issues),
  );
});

test.serial("a ruff config without ruff: pyflakes stands in, honours its ignore, and says so", async (t) => {
  const outcome = await lint(t, "ruff");
  t.regex(outcome.summary, /^0 errors, 0 warnings .*— pyflakes standing in for ruff \(ruff\.toml\)$/);
  t.true(outcome.passed);
  t.regex(
    outcome.issues.find((issue) => issue.severity === "info")?.message ?? "",
    /ruff is configured \(ruff\.toml\) but not installed/,
  );
});

test.serial("a tox environment that runs `flake8 six.py`: only six.py is linted, as its maintainers do", async (t) => {
  const whole = await lint(t, "flake8");
  const outcome = await lint(t, "tox");
  t.regex(outcome.summary, /— flake8 \(setup\.cfg; six\.py, as its tox\.ini lints\)$/);
  t.false(
    outcome.issues.some((issue) => issue.file === "test_six.py"),
    JSON.stringify(outcome.issues),
  );
  t.is(outcome.metrics.errors, whole.metrics.errors);
});
