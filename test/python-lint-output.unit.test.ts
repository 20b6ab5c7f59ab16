// Scenario: the Python linters' REAL output captured on this machine (test/fixtures/python-runs:
// pyflakes 2.5 through actors/checker/python/pyflakes-codes.py, flake8 5.0.4) read as lint counts,
// and a repo's flake8/ruff settings applied to pyflakes' F-codes: an ignored code (six's
// `ignore = F821`), per-file ignores, a select that leaves F out, the most specific prefix winning.
import test from "ava";
import { readFileSync } from "node:fs";
import { parseFlake8, parsePyflakesCodes } from "../actors/checker/index.ts";

const fixture = (name: string): string =>
  readFileSync(new URL(`fixtures/python-runs/${name}`, import.meta.url), "utf8");
const PYFLAKES = fixture("pyflakes-codes.jsonl");
const settings = (overrides: Record<string, unknown>) => ({
  file: "setup.cfg",
  select: [],
  extend_select: [],
  ignore: [],
  extend_ignore: [],
  per_file_ignores: {},
  paths: [],
  ...overrides,
});
const FLAKE8_DEFAULTS = ["E", "F", "W", "C90"];

test("pyflakes on its defaults: the undefined name is the one error, unused things are warnings", (t) => {
  const parsed = parsePyflakesCodes(PYFLAKES);
  t.deepEqual(parsed?.counts, { errors: 1, warnings: 6, fixable: 0 });
  t.like(
    parsed?.issues.find((issue) => issue.severity === "medium"),
    { file: "calc.py", line: 7, rule: "F821", message: "F821: undefined name 'undefined_name'" },
  );
});

test("pyflakes standing in for flake8 honours its ignores: F821 ignored, every other finding an error", (t) => {
  const parsed = parsePyflakesCodes(PYFLAKES, { settings: settings({ ignore: ["F821"] }), defaults: FLAKE8_DEFAULTS });
  t.deepEqual(parsed?.counts, { errors: 6, warnings: 0, fixable: 0 });
  t.false(parsed?.issues.some((issue) => issue.rule === "F821"));
});

test("per-file ignores, extend-ignore prefixes and a select without F", (t) => {
  const perFile = parsePyflakesCodes(PYFLAKES, {
    settings: settings({ per_file_ignores: { "tests/*": ["F403", "F405"] } }),
    defaults: FLAKE8_DEFAULTS,
  });
  t.deepEqual(
    perFile?.issues.map((issue) => `${issue.file}:${issue.rule}`),
    ["calc.py:F401", "calc.py:F401", "calc.py:F841", "calc.py:F821", "calc.py:F541"],
  );
  const prefix = parsePyflakesCodes(PYFLAKES, {
    settings: settings({ extend_ignore: ["F4"] }),
    defaults: FLAKE8_DEFAULTS,
  });
  t.deepEqual(
    prefix?.issues.map((issue) => issue.rule),
    ["F841", "F821", "F541"],
  );
  const specific = parsePyflakesCodes(PYFLAKES, {
    settings: settings({ select: ["F401"], ignore: ["F"] }),
    defaults: FLAKE8_DEFAULTS,
  });
  t.deepEqual(
    specific?.issues.map((issue) => issue.line),
    [1, 2],
  );
  const styleOnly = parsePyflakesCodes(PYFLAKES, {
    settings: settings({ select: ["E", "W"] }),
    defaults: FLAKE8_DEFAULTS,
  });
  t.deepEqual(styleOnly?.counts, { errors: 0, warnings: 0, fixable: 0 });
});

test("flake8's default format: every finding an error, with code, file and line", (t) => {
  const parsed = parseFlake8(fixture("flake8.txt"));
  t.deepEqual(parsed.counts, { errors: 8, warnings: 0, fixable: 0 });
  t.like(parsed.issues[5], {
    file: "calc.py",
    line: 11,
    rule: "E225",
    message: "E225: missing whitespace around operator",
  });
  t.like(parsed.issues[7], { file: "tests/test_calc.py", line: 5, rule: "F405" });
});

test("output that is not pyflakes-codes.py's JSON is refused", (t) => {
  t.is(
    parsePyflakesCodes("Traceback (most recent call last):\nModuleNotFoundError: No module named 'pyflakes'\n"),
    undefined,
  );
});
