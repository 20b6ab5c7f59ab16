// Scenario: the Python 2 sample package (samples/py2-package) is migrated by the Python
// codemods, file by file, in a temporary copy, and its unittest suite is run with real
// interpreters: it passes on Python 2.7 and fails under python3 before the migration; after
// it, the suite passes under python3, with lib2to3's fixers on, with them disabled, and
// under a python3 that has no lib2to3 (3.13), where `py-2to3` says so in a leftover per file
// instead of succeeding silently. The one ambiguous `/` of the sample stays a leftover with
// its line. `py-2to3` is also shown on its own fixing what the tree-sitter codemods leave.
import test from "ava";
import { execFile } from "node:child_process";
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Codemod, SourceFinding } from "../infra/codemods/codemod.ts";
import { lib2to3Codemod, pythonCodemods } from "../infra/codemods/python/index.ts";
import { ROOT } from "./helpers/processes.ts";

const run = promisify(execFile);
const SAMPLE = join(ROOT, "samples", "py2-package");
const SAMPLE_TESTS = 19;

/** The major version and lib2to3 availability of an interpreter, or why it cannot be used. */
async function probe(python: string): Promise<{ major: number; lib2to3: boolean } | string> {
  const program =
    "import sys\ntry:\n import lib2to3\n ok = 1\nexcept ImportError:\n ok = 0\nsys.stdout.write('%d %d' % (sys.version_info[0], ok))";
  try {
    const { stdout } = await run(python, ["-c", program], { timeout: 20_000 });
    const [major, ok] = stdout.trim().split(" ").map(Number);
    return { major: major ?? 0, lib2to3: ok === 1 };
  } catch (err) {
    return `${python}: ${(err as Error).message.split("\n")[0]}`;
  }
}

/** The first candidate interpreter whose probe passes `wanted`, or the reasons none did. */
async function findPython(candidates: string[], wanted: (p: { major: number; lib2to3: boolean }) => boolean) {
  const reasons: string[] = [];
  for (const python of candidates) {
    const found = await probe(python);
    if (typeof found !== "string" && wanted(found)) return { python };
    reasons.push(typeof found === "string" ? found : `${python}: Python ${found.major}, lib2to3 ${found.lib2to3}`);
  }
  return { reason: reasons.join("; ") || "no candidate" };
}

async function pyenvPythons(prefix: string): Promise<string[]> {
  const root = join(process.env.PYENV_ROOT ?? join(homedir(), ".pyenv"), "versions");
  const versions = await readdir(root).catch(() => [] as string[]);
  return versions.filter((v) => v.startsWith(prefix)).map((v) => join(root, v, "bin", "python"));
}

const python2 = await findPython(["python2", ...(await pyenvPythons("2."))], (p) => p.major === 2);
const python3 = await findPython(["python3"], (p) => p.major === 3);
const withLib2to3 = await findPython(["python3", ...(await pyenvPythons("3.1"))], (p) => p.major === 3 && p.lib2to3);
const withoutLib2to3 = await findPython(
  ["python3", ...(await pyenvPythons("3.1"))],
  (p) => p.major === 3 && !p.lib2to3,
);

/** Runs `python -m unittest discover` in `dir`: whether it passed, and its summary. */
async function unittest(python: string, dir: string): Promise<{ passed: boolean; summary: string }> {
  const env = { ...process.env, PYTHONDONTWRITEBYTECODE: "1" };
  const result = await run(python, ["-m", "unittest", "discover"], { cwd: dir, env, timeout: 60_000 }).then(
    (r) => ({ passed: true, stderr: r.stderr }),
    (err: { stderr?: string }) => ({ passed: false, stderr: err.stderr ?? String(err) }),
  );
  const summary = result.stderr
    .split("\n")
    .filter((l) => /^(Ran \d+ tests|OK|FAILED)/.test(l))
    .join(" ");
  return { passed: result.passed, summary: summary || result.stderr.slice(-500) };
}

async function sampleCopy(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "patchbay-py2-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await cp(SAMPLE, dir, { recursive: true });
  return dir;
}

/** Applies the codemods to every `.py` file under `dir`; returns changes per codemod id and all leftovers. */
async function migrate(dir: string, codemods: readonly Codemod[]) {
  const changes: Record<string, number> = {};
  const leftovers: SourceFinding[] = [];
  const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith(".py")).sort();
  for (const file of files) {
    let source = await readFile(join(dir, file), "utf8");
    for (const codemod of codemods.filter((c) => c.matches(file))) {
      const outcome = await codemod.apply(source, file);
      source = outcome.source;
      changes[codemod.id] = (changes[codemod.id] ?? 0) + outcome.changes;
      leftovers.push(...outcome.leftovers);
    }
    await writeFile(join(dir, file), source);
  }
  return { files, changes, leftovers };
}

const DIVISION_LEFTOVER = "shelf/stats.py:14 integer division";
const where = (l: SourceFinding) => `${l.file}:${l.line} ${l.api}`;

if ("python" in python2) {
  test("the sample's tests pass on Python 2", async (t) => {
    const result = await unittest(python2.python as string, await sampleCopy(t));
    t.true(result.passed, result.summary);
    t.regex(result.summary, new RegExp(`Ran ${SAMPLE_TESTS} tests`));
  });
} else test.skip(`the sample's tests pass on Python 2 (no Python 2: ${python2.reason})`, () => undefined);

test("the sample's tests fail under python3 before the migration", async (t) => {
  if (!("python" in python3)) return t.fail(`no python3: ${python3.reason}`);
  const result = await unittest(python3.python as string, await sampleCopy(t));
  t.false(result.passed, result.summary);
});

if ("python" in withLib2to3) {
  test("migrated by every codemod with lib2to3, the tests pass under python3; the ambiguous / is a leftover", async (t) => {
    const dir = await sampleCopy(t);
    const python = withLib2to3.python as string;
    const { files, changes, leftovers } = await migrate(
      dir,
      pythonCodemods({ enabled: true, python, timeoutMs: 30_000 }),
    );
    t.is(files.length, 8);
    t.deepEqual(leftovers.map(where), [DIVISION_LEFTOVER]);
    t.like(changes, { "py-print": 5, "py-division": 3, "py-2to3": 0 });
    const result = await unittest(python, dir);
    t.true(result.passed, result.summary);
    t.regex(result.summary, new RegExp(`Ran ${SAMPLE_TESTS} tests`));
  });
} else test.skip(`migration with lib2to3 (no python3 with lib2to3: ${withLib2to3.reason})`, () => undefined);

test("migrated with lib2to3 disabled, the tests still pass, a second run changes nothing; py-2to3 says it did not run", async (t) => {
  if (!("python" in python3)) return t.fail(`no python3: ${python3.reason}`);
  const dir = await sampleCopy(t);
  const { files, leftovers } = await migrate(
    dir,
    pythonCodemods({ enabled: false, python: "python3", timeoutMs: 30_000 }),
  );
  const notRun = leftovers.filter((l) => l.api === "lib2to3");
  t.is(notRun.length, files.length);
  t.true(notRun.every((l) => l.line === 1 && /not run: disabled/.test(l.message)));
  t.deepEqual(leftovers.filter((l) => l.api !== "lib2to3").map(where), [DIVISION_LEFTOVER]);
  const result = await unittest(python3.python as string, dir);
  t.true(result.passed, result.summary);
  const again = await migrate(dir, pythonCodemods({ enabled: false, python: "python3", timeoutMs: 30_000 }));
  t.true(
    Object.values(again.changes).every((n) => n === 0),
    `a second run changed the migrated files: ${JSON.stringify(again.changes)}`,
  );
});

if ("python" in withoutLib2to3) {
  test("under a python3 without lib2to3, py-2to3 says so and the sample still migrates and passes", async (t) => {
    const dir = await sampleCopy(t);
    const python = withoutLib2to3.python as string;
    const { files, leftovers } = await migrate(dir, pythonCodemods({ enabled: true, python, timeoutMs: 30_000 }));
    const notRun = leftovers.filter((l) => l.api === "lib2to3");
    t.is(notRun.length, files.length);
    t.regex(notRun[0]?.message ?? "", /no lib2to3 in Python 3\.1[3-9]/);
    const result = await unittest(python, dir);
    t.true(result.passed, result.summary);
  });
} else test.skip(`migration without lib2to3 (no python3 lacking lib2to3: ${withoutLib2to3.reason})`, () => undefined);

if ("python" in withLib2to3) {
  test("py-2to3 applies lib2to3's fixers to what the tree-sitter codemods leave, with lines", async (t) => {
    const codemod = lib2to3Codemod({ enabled: true, python: withLib2to3.python as string, timeoutMs: 30_000 });
    const source =
      'import sys\nname = raw_input("name: ")\napply(f, args)\nbig = sys.maxint\nclass A:\n    def __nonzero__(self):\n        return input()\n';
    const out = await codemod.apply(source, "a.py");
    t.is(
      out.source,
      'import sys\nname = input("name: ")\nf(*args)\nbig = sys.maxsize\nclass A:\n    def __bool__(self):\n        return eval(input())\n',
    );
    t.is(out.changes, 5);
    t.deepEqual(out.leftovers, []);
    const scanned = (await codemod.scan(source, "a.py")).map((f) => `${f.line} ${f.api}`);
    t.deepEqual(scanned, [
      "2 lib2to3 raw_input",
      "3 lib2to3 apply",
      "4 lib2to3 renames",
      "6 lib2to3 nonzero",
      "7 lib2to3 input",
    ]);
    const unchanged = 'print("ok")\n';
    t.deepEqual(await codemod.apply(unchanged, "b.py"), { source: unchanged, changes: 0, leftovers: [] });
  });
} else test.skip(`py-2to3 fixers (no python3 with lib2to3: ${withLib2to3.reason})`, () => undefined);

test("py-2to3 with an interpreter that cannot start reports it as a leftover, not a success", async (t) => {
  const codemod = lib2to3Codemod({ enabled: true, python: "/nonexistent/python3", timeoutMs: 10_000 });
  const out = await codemod.apply("x = raw_input()\n", "a.py");
  t.is(out.changes, 0);
  t.deepEqual(
    out.leftovers.map((l) => `${l.line} ${l.api}`),
    ["1 lib2to3"],
  );
  t.regex(out.leftovers[0]?.message ?? "", /could not be started/);
});
