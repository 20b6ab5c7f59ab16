// Static analysis on real published code: npm tarballs (commander, ms, kleur, path-to-regexp,
// deep-diff's UMD module, sprintf-js's IIFE) and Debian's python3-more-itertools, fetched once
// into a cache under the temp dir with npm and apt, analysed by the real pool. Well-kept
// libraries pass; a planted tangled function fails a small repository and is named.
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import test from "ava";
import { analyseSources, STATIC_PASS_SCORE as PASS_SCORE } from "../actors/checker/index.ts";
import { createAnalysisPool } from "../infra/analysis/index.ts";
import type { AnalysisPool } from "../infra/analysis/index.ts";

const run = promisify(execFile);
const CACHE = join(tmpdir(), "patchbay-real-sources");
const MORE_ITERTOOLS = "python3-more-itertools=8.10.0-2";
const MORE_ITERTOOLS_ROOT = "usr/lib/python3/dist-packages";

let pool: AnalysisPool;
let scratch = "";
const fetched = new Map<string, Promise<string>>();

test.before(async () => {
  pool = createAnalysisPool({ threads: 2 });
  scratch = await mkdtemp(join(tmpdir(), "patchbay-static-"));
  await mkdir(CACHE, { recursive: true });
});

test.after.always(async () => {
  await pool?.close();
  if (scratch !== "") await rm(scratch, { recursive: true, force: true });
});

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** `npm pack <spec>` unpacked into the cache (once); the package's directory. */
function npmPackage(spec: string): Promise<string> {
  const dir = join(CACHE, spec.replace(/[@/]/g, "_"));
  const unpack = async (): Promise<string> => {
    if (await exists(join(dir, "package.json"))) return dir;
    const { stdout } = await run("npm", ["pack", spec, "--json", "--pack-destination", CACHE], { cwd: CACHE });
    const [{ filename }] = JSON.parse(stdout) as { filename: string }[];
    await mkdir(dir, { recursive: true });
    await run("tar", ["-xzf", join(CACHE, filename), "-C", dir, "--strip-components=1"]);
    return dir;
  };
  return memo(spec, unpack);
}

/** `apt-get download <name=version>` unpacked with dpkg-deb into the cache (once). */
function debPackage(spec: string): Promise<string> {
  const dir = join(CACHE, spec.replace(/[=:]/g, "_"));
  const unpack = async (): Promise<string> => {
    if (await exists(join(dir, "usr"))) return dir;
    await run("apt-get", ["download", spec], { cwd: CACHE });
    const deb = (await readdir(CACHE)).find((name) => name.startsWith(spec.replace("=", "_")) && name.endsWith(".deb"));
    if (deb === undefined) throw new Error(`apt-get download ${spec} left no .deb in ${CACHE}`);
    await run("dpkg-deb", ["-x", join(CACHE, deb), dir]);
    return dir;
  };
  return memo(spec, unpack);
}

function memo(key: string, fetch: () => Promise<string>): Promise<string> {
  let found = fetched.get(key);
  if (found === undefined) {
    found = fetch();
    fetched.set(key, found);
  }
  return found;
}

/** Every file under `root`, relative (what `git ls-files` lists in a repository of it). */
async function allFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(root, join(e.parentPath, e.name)));
}

async function analyseDir(root: string) {
  return analyseSources(pool, root, await allFiles(root));
}

/** A function of complexity 40 and 200 logical lines, every line different. */
function tangledFunction(): string {
  const lines = ["function tangled(input) {", "  let total = 0;"];
  for (let i = 0; i < 39; i++) lines.push(`  if (input.flag${i} > ${i}) { total += input.value${i}; }`);
  for (let i = 0; i < 157; i++) lines.push(`  total = total * ${i + 2} + input.weight${i};`);
  lines.push("  return total;", "}", "module.exports = tangled;");
  return lines.join("\n") + "\n";
}

/** A copy of a package with the tangled function added as `planted.js`. */
async function planted(source: string, name: string): Promise<string> {
  const dir = join(scratch, name);
  await cp(source, dir, { recursive: true });
  await writeFile(join(dir, "planted.js"), tangledFunction());
  return dir;
}

test("a Python function's docstring is not logical lines (more-itertools `one`)", async (t) => {
  const root = join(await debPackage(MORE_ITERTOOLS), MORE_ITERTOOLS_ROOT);
  const [more] = await pool.analyzeFiles(root, ["more_itertools/more.py"], { rules: [] });
  const one = more.functions.find((fn) => fn.name === "one");
  t.like(one, { startLine: 521, lines: 65, logicalLines: 19 }, "44 lines of docstring and 2 blank lines left out");
  t.like(
    more.functions.find((fn) => fn.name === "always_iterable"),
    { lines: 51, logicalLines: 9 },
  );
});

test("a UMD factory and an IIFE holding the module are module scope, not long functions", async (t) => {
  const deepDiff = await npmPackage("deep-diff@1.0.2");
  const [umd] = await pool.analyzeFiles(deepDiff, ["index.js"], { rules: [] });
  t.like(
    umd.functions.find((fn) => fn.startLine === 23),
    { lines: 504, moduleWrapper: true },
  );
  const outcome = await analyseDir(deepDiff);
  t.false(
    outcome.issues.some((issue) => issue.line === 23),
    JSON.stringify(outcome.issues.filter((issue) => issue.line === 23)),
  );
  t.true(outcome.issues.some((issue) => issue.message === "Complexity 51 in deepDiff (limit 10)"));
  t.regex(outcome.summary, /left out: 1 generated, 1 test, 25 example$/);
  const sprintf = await npmPackage("sprintf-js@1.1.3");
  const [iife] = await pool.analyzeFiles(sprintf, ["src/sprintf.js"], { rules: [] });
  t.like(iife.functions[0], { startLine: 3, lines: 229, moduleWrapper: true });
  t.is(iife.functions.filter((fn) => fn.moduleWrapper).length, 1, "only the wrapper");
});

test(".pyi stubs are left out of functions and duplicates; more-itertools passes", async (t) => {
  const root = join(await debPackage(MORE_ITERTOOLS), MORE_ITERTOOLS_ROOT);
  const outcome = await analyseDir(root);
  t.log(outcome.summary);
  t.false(
    outcome.issues.some((issue) => issue.file?.endsWith(".pyi")),
    JSON.stringify(outcome.issues.filter((issue) => issue.file?.endsWith(".pyi"))),
  );
  t.regex(outcome.summary, /left out: 3 stub/);
  t.true(outcome.passed, outcome.summary);
  t.true(outcome.score >= 90, outcome.summary);
});

for (const spec of ["commander@15.1.0", "commander@12.1.0", "ms@2.1.3", "kleur@4.1.5", "path-to-regexp@0.1.12"]) {
  test(`well-kept ${spec} passes`, async (t) => {
    const outcome = await analyseDir(await npmPackage(spec));
    t.log(outcome.summary);
    t.false(outcome.skipped);
    t.true(outcome.score >= PASS_SCORE, outcome.summary);
    t.true(outcome.passed);
  });
}

test("kleur: the CommonJS twin of an ES module and the .d.ts files are left out", async (t) => {
  const outcome = await analyseDir(await npmPackage("kleur@4.1.5"));
  t.is(outcome.metrics.files, 2);
  t.regex(outcome.summary, /left out: 2 generated, 2 stub$/);
  t.is(outcome.metrics.duplicate_blocks, 0);
});

test("a planted tangled function fails a small repository and is named", async (t) => {
  const before = await analyseDir(await npmPackage("ms@2.1.3"));
  const outcome = await analyseDir(await planted(await npmPackage("ms@2.1.3"), "ms-planted"));
  t.log(before.summary, "→", outcome.summary);
  t.false(outcome.passed);
  t.true(outcome.score < PASS_SCORE);
  t.like(outcome.issues[0], { file: "planted.js", line: 1, message: "Complexity 40 in tangled (limit 10)" });
  t.true(outcome.issues.some((issue) => issue.message === "Long function tangled: 200 logical lines (limit 50)"));
  t.regex(outcome.summary, /worst tangled at planted\.js:1, complexity 40, 200 lines/);
});

test("in a large repository the same function costs its share of the code, and is named", async (t) => {
  const before = await analyseDir(await npmPackage("commander@15.1.0"));
  const outcome = await analyseDir(await planted(await npmPackage("commander@15.1.0"), "commander-planted"));
  t.log(before.summary, "→", outcome.summary);
  t.true(outcome.score <= before.score - 5, `${before.score} → ${outcome.score}`);
  t.like(outcome.issues[0], { file: "planted.js", message: "Complexity 40 in tangled (limit 10)" });
});

test("only Go sources: unavailable naming Go; no sources: not applicable", async (t) => {
  const goRepo = join(scratch, "go-only");
  await mkdir(goRepo, { recursive: true });
  await writeFile(join(goRepo, "main.go"), "package main\n\nfunc main() {}\n");
  await writeFile(join(goRepo, "main_test.go"), "package main\n");
  const onlyGo = await analyseSources(pool, goRepo, ["main.go", "main_test.go", "go.mod", "README.md"]);
  t.like(onlyGo, { skipped: true, skip_kind: "unavailable", passed: false });
  t.regex(onlyGo.skip_reason ?? "", /only Go \(1 file\) sources/);
  const empty = await analyseSources(pool, goRepo, ["README.md", "LICENSE"]);
  t.like(empty, { skipped: true, skip_kind: "not_applicable", skip_reason: "no source files" });
  const built = await analyseSources(pool, await npmPackage("path-to-regexp@8.2.0"), [
    "dist/index.js",
    "dist/index.d.ts",
  ]);
  t.like(built, { skipped: true, skip_kind: "not_applicable" });
  t.regex(built.skip_reason ?? "", /no maintained source files \(left out: 2 generated\)/);
});

test("files that say they are generated or are minified are left out", async (t) => {
  const repo = join(scratch, "generated");
  await mkdir(join(repo, "src"), { recursive: true });
  await writeFile(join(repo, "src/app.js"), "export function add(a, b) {\n  return a + b;\n}\n");
  await writeFile(join(repo, "src/api.js"), `// Code generated by openapi-gen. DO NOT EDIT.\n${tangledFunction()}`);
  await writeFile(join(repo, "src/vendor.js"), `var x=${JSON.stringify("y".repeat(1200))};\n${tangledFunction()}`);
  const outcome = await analyseSources(pool, repo, ["src/app.js", "src/api.js", "src/vendor.js"]);
  t.like(outcome, { passed: true, score: 100 });
  t.like(outcome.metrics, { files: 1, excluded_files: 2 });
});

test("a mixed repository is scored on what is analysed and names the rest; empty or unreadable sources do not pass", async (t) => {
  const repo = join(scratch, "mixed");
  await mkdir(join(repo, "pkg"), { recursive: true });
  await writeFile(join(repo, "pkg/__init__.py"), "");
  await writeFile(join(repo, "pkg/core.py"), "def double(x):\n    return 2 * x\n");
  await writeFile(join(repo, "server.go"), "package main\n");
  await writeFile(join(repo, "big.py"), "x = 1\n".repeat(400_000));
  const mixed = await analyseSources(pool, repo, ["pkg/__init__.py", "pkg/core.py", "server.go"]);
  t.like(mixed, { passed: true, score: 100 });
  t.regex(mixed.summary, /; not analysed: Go$/);
  const empty = await analyseSources(pool, repo, ["pkg/__init__.py"]);
  t.like(empty, { skipped: true, skip_kind: "not_applicable", skip_reason: "no code in 1 source file" });
  const tooLarge = await analyseSources(pool, repo, ["big.py"]);
  t.like(tooLarge, { skipped: true, skip_kind: "unavailable" });
  t.regex(
    tooLarge.skip_reason ?? "",
    /^no source file could be analysed \(big\.py: \d+ bytes is over the \d+-byte limit\)$/,
  );
});
