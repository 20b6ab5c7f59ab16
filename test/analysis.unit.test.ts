// Unit tests of the tree-sitter analysis pool: real source files in a temp dir, real
// Piscina workers and real grammars; symbols, imports, metrics, security rules, bad input.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import test from "ava";
import type { ExecutionContext } from "ava";
import { ErrorCode, TerminalError } from "../protocol/errors.ts";
import { analyzeFilesInThread, createAnalysisPool, RULE_IDS } from "../infra/analysis/index.ts";
import type { AnalysisPool, FileAnalysis } from "../infra/analysis/index.ts";

let root = "";
let pool: AnalysisPool;
let counter = 0;

test.before(async () => {
  root = await mkdtemp(path.join(tmpdir(), "patchbay-analysis-"));
  pool = createAnalysisPool({ threads: 2 });
});

test.after.always(async () => {
  await pool?.close();
  if (root !== "") await rm(root, { recursive: true, force: true });
});

/** Writes `lines` to a fresh file with extension `ext` and returns its relative path. */
async function source(ext: string, lines: string[]): Promise<string> {
  const rel = path.join(`case${counter++}`, `file${ext}`);
  await mkdir(path.join(root, path.dirname(rel)), { recursive: true });
  await writeFile(path.join(root, rel), lines.join("\n") + "\n");
  return rel;
}

async function analyzeOne(ext: string, lines: string[], rules?: string[]): Promise<FileAnalysis> {
  const rel = await source(ext, lines);
  const [result] = await pool.analyzeFiles(root, [rel], rules === undefined ? {} : { rules });
  return result;
}

test("JavaScript: symbols with kinds and line spans, imports deduplicated", async (t) => {
  const result = await analyzeOne(".js", [
    'import fs from "node:fs";',
    'const path = require("node:path");',
    'export { x } from "./x.js";',
    "function top(a) {",
    "  return a;",
    "}",
    "class Store {",
    "  get(key) { return key; }",
    "}",
    "const arrow = () => import('./lazy.js');",
    'const again = require("node:path");',
  ]);
  t.is(result.language, "javascript");
  t.is(result.error, undefined);
  t.deepEqual(result.symbols, [
    { name: "top", kind: "function", startLine: 4, endLine: 6 },
    { name: "Store", kind: "class", startLine: 7, endLine: 9 },
    { name: "get", kind: "method", startLine: 8, endLine: 8 },
    { name: "arrow", kind: "function", startLine: 10, endLine: 10 },
  ]);
  t.deepEqual(result.imports, ["node:fs", "node:path", "./x.js", "./lazy.js"]);
});

test("TypeScript: abstract classes, class-field arrows, import type and import = require", async (t) => {
  const result = await analyzeOne(".ts", [
    'import type { Foo } from "./types.ts";',
    'import fs = require("fs");',
    "export abstract class Base<T> {",
    "  abstract name(): string;",
    "  handle = (x: T): T => x;",
    "  run(input: Foo): void {}",
    "}",
    "export function generic<T>(value: T): T { return value; }",
  ]);
  t.is(result.language, "typescript");
  t.deepEqual(result.imports, ["./types.ts", "fs"]);
  t.deepEqual(
    result.symbols.map((s) => `${s.kind}:${s.name}@${s.startLine}`),
    ["class:Base@3", "method:handle@5", "method:run@6", "function:generic@8"],
  );
});

test("TSX: components and JSX parse with the tsx grammar", async (t) => {
  const result = await analyzeOne(".tsx", [
    'import React from "react";',
    "export function Hello({ name }: { name: string }) {",
    '  return <div className="x">{name ? <b>{name}</b> : null}</div>;',
    "}",
    "export const List = (props: { items: string[] }) => (",
    "  <ul>{props.items.map((i) => <li key={i}>{i}</li>)}</ul>",
    ");",
  ]);
  t.is(result.language, "tsx");
  t.deepEqual(result.syntaxErrors, []);
  t.deepEqual(result.imports, ["react"]);
  t.deepEqual(
    result.symbols.map((s) => s.name),
    ["Hello", "List"],
  );
  t.is(result.functions.find((f) => f.name === "Hello")?.complexity, 2);
  t.is(result.functions.find((f) => f.name === "List")?.lines, 3);
});

test("Python: classes, methods behind decorators, absolute and relative imports", async (t) => {
  const result = await analyzeOne(".py", [
    "import os, subprocess as sp",
    "from .models import User",
    "from ..util.text import slug",
    "class Repo:",
    "    @property",
    "    def name(self):",
    "        return self._name",
    "",
    "def helper(x):",
    "    return x",
  ]);
  t.is(result.language, "python");
  t.deepEqual(result.imports, ["os", "subprocess", ".models", "..util.text"]);
  t.deepEqual(result.symbols, [
    { name: "Repo", kind: "class", startLine: 4, endLine: 7 },
    { name: "name", kind: "method", startLine: 6, endLine: 7 },
    { name: "helper", kind: "function", startLine: 9, endLine: 10 },
  ]);
});

test("complexity: two ifs and a loop make 4; nested functions are measured on their own", async (t) => {
  const js = await analyzeOne(".js", [
    "function decide(a, b) {",
    "  if (a) { b++; }",
    "  for (const x of b) { use(x); }",
    "  if (b > 2) { return 1; }",
    "  const inner = () => a && b;",
    "  return 0;",
    "}",
  ]);
  t.deepEqual(js.functions, [
    { name: "decide", startLine: 1, complexity: 4, lines: 7, logicalLines: 7 },
    { name: "inner", startLine: 5, complexity: 2, lines: 1, logicalLines: 1 },
  ]);
  const py = await analyzeOne(".py", [
    "def decide(a, b):",
    "    if a:",
    "        b += 1",
    "    while b > 0:",
    "        b -= 1",
    "    if b > 2 or a:",
    "        return 1",
    "    return 0",
  ]);
  t.deepEqual(py.functions, [{ name: "decide", startLine: 1, complexity: 5, lines: 8, logicalLines: 8 }]);
});

test("complexity counts switch cases, catch, ternaries and ?? but not default", async (t) => {
  const result = await analyzeOne(".ts", [
    "function f(x: number | null): number {",
    "  switch (x) { case 1: return 1; case 2: return 2; default: break; }",
    "  try { return x ?? 0; } catch { return x ? 1 : 0; }",
    "}",
  ]);
  t.is(result.functions[0].complexity, 1 + 2 + 1 + 1 + 1);
});

test("case labels sharing one body are one branch", async (t) => {
  const result = await analyzeOne(".js", [
    "function unit(type) {",
    "  switch (type) {",
    "    case 'years':",
    "    case 'year':",
    "    case 'y':",
    "      return 365;",
    "    case 'days':",
    "    case 'd':",
    "      return 1;",
    "    default:",
    "      return undefined;",
    "  }",
    "}",
  ]);
  t.is(result.functions[0].complexity, 1 + 2);
});

test("logical lines leave out blank lines, comments, docstrings and nested functions after their first line", async (t) => {
  const js = await analyzeOne(".js", [
    "/** Doc of outer. */",
    "function outer(list) {",
    "  // a comment line",
    "",
    "  /*",
    "   * a block comment",
    "   */",
    "  const n = 1; // trailing comment: still code",
    "  return list.map((x) => {",
    "    const y = x + n;",
    "    return y;",
    "  });",
    "}",
  ]);
  t.like(js.functions, [
    { name: "outer", lines: 12, logicalLines: 4 },
    { name: "<anonymous>", lines: 4, logicalLines: 4 },
  ]);
  t.deepEqual(js.codeLines, [2, 8, 9, 10, 11, 12, 13]);
  const py = await analyzeOne(".py", [
    '"""Module docstring."""',
    "class Box:",
    '    """Class docstring',
    "    over two lines.",
    '    """',
    "    def get(self):",
    "        '''Method docstring.'''",
    "        # comment",
    "        return 1  # trailing",
  ]);
  t.like(py.functions, [{ name: "get", lines: 4, logicalLines: 2 }]);
  t.deepEqual(py.codeLines, [2, 6, 9]);
});

test("a function passed to or called as a call that holds the module is its wrapper; a callback is not", async (t) => {
  const body = ["  var a = 1;", "  var b = 2;", "  function sum() { return a + b; }", "  return { sum: sum };"];
  const amd = await analyzeOne(".js", ["define(function () {", ...body, "});"]);
  t.like(amd.functions, [{ startLine: 1, moduleWrapper: true }, { name: "sum" }]);
  t.is(amd.functions[1].moduleWrapper, undefined);
  const script = await analyzeOne(".js", [
    "const list = [1, 2, 3];",
    "const doubled = list.map(function (x) {",
    "  return x * 2;",
    "});",
    "console.log(doubled);",
  ]);
  t.is(script.functions[0].moduleWrapper, undefined, "a callback with 3 of the file's 5 logical lines");
});

interface RuleCase {
  rule: string;
  ext: string;
  unsafe: string[];
  safe: string[];
}

const RULE_CASES: RuleCase[] = [
  {
    rule: "sql-injection",
    ext: ".js",
    unsafe: ["db.query(`SELECT * FROM users WHERE id = ${id}`);"],
    safe: ["db.query('SELECT * FROM users WHERE id = $1', [id]);"],
  },
  {
    rule: "sql-injection",
    ext: ".ts",
    unsafe: ['await conn.execute("DELETE FROM t WHERE name = \'" + name + "\'");'],
    safe: ['await conn.execute("DELETE FROM t WHERE name = ?", [name]);'],
  },
  {
    rule: "sql-injection",
    ext: ".py",
    unsafe: ['cursor.execute(f"SELECT * FROM users WHERE id = {uid}")'],
    safe: ['cursor.execute("SELECT * FROM users WHERE id = %s", (uid,))'],
  },
  {
    rule: "sql-injection",
    ext: ".py",
    unsafe: ["cursor.execute(\"UPDATE t SET a = '%s'\" % value)"],
    safe: ['cursor.execute("UPDATE t SET a = %(v)s", {"v": value})'],
  },
  {
    rule: "command-injection",
    ext: ".js",
    unsafe: ['const { execSync } = require("child_process");', "execSync(`git log ${ref}`);"],
    safe: ['const { execFileSync } = require("child_process");', 'execFileSync("git", ["log", ref]);'],
  },
  {
    rule: "command-injection",
    ext: ".ts",
    unsafe: ['import child_process from "node:child_process";', 'child_process.exec("rm -rf " + dir);'],
    safe: ["const m = /x/.exec(`${input}`);"],
  },
  {
    rule: "command-injection",
    ext: ".py",
    unsafe: ["import os", 'os.system("tar xf " + archive)'],
    safe: ["import os", 'os.system("make clean")'],
  },
  {
    rule: "command-injection",
    ext: ".py",
    unsafe: ["import subprocess", 'subprocess.run(f"ls {path}", shell=True)'],
    safe: ["import subprocess", 'subprocess.run(["ls", path])'],
  },
  { rule: "code-eval", ext: ".js", unsafe: ["const v = eval(input);"], safe: ["const v = JSON.parse(input);"] },
  {
    rule: "code-eval",
    ext: ".ts",
    unsafe: ['const f = new Function("a", body);'],
    safe: ["const f = (a: number) => a;"],
  },
  {
    rule: "code-eval",
    ext: ".py",
    unsafe: ["result = eval(expr)"],
    safe: ["import ast", "result = ast.literal_eval(expr)"],
  },
  { rule: "code-eval", ext: ".py", unsafe: ["exec(code)"], safe: ["compile_all(code)"] },
  {
    rule: "hardcoded-secret",
    ext: ".ts",
    unsafe: ['const dbPassword = "hunter2!";'],
    safe: ["const dbPassword = process.env.DB_PASSWORD;"],
  },
  {
    rule: "hardcoded-secret",
    ext: ".js",
    unsafe: ["const config = { api_key: 'sk-live-1234' };"],
    safe: ["const config = { api_key: readKey() };"],
  },
  {
    rule: "hardcoded-secret",
    ext: ".py",
    unsafe: ['GITHUB_TOKEN = "ghp_abcdef123456"'],
    safe: ['GITHUB_TOKEN = os.environ["GITHUB_TOKEN"]'],
  },
  {
    rule: "aws-access-key",
    ext: ".js",
    unsafe: ['const creds = { id: "AKIAIOSFODNN7EXAMPLE" };'],
    safe: ["const creds = { id: process.env.AWS_ACCESS_KEY_ID };"],
  },
  {
    rule: "aws-access-key",
    ext: ".py",
    unsafe: ["key_id = 'AKIAIOSFODNN7EXAMPLE'"],
    safe: ["key_id = 'AKIA-not-a-key'"],
  },
  {
    rule: "tls-verification-disabled",
    ext: ".ts",
    unsafe: ["https.request(url, { rejectUnauthorized: false });"],
    safe: ["https.request(url, { rejectUnauthorized: true });"],
  },
  {
    rule: "tls-verification-disabled",
    ext: ".js",
    unsafe: ["process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';"],
    safe: ["process.env.NODE_TLS_REJECT_UNAUTHORIZED = '1';"],
  },
  {
    rule: "tls-verification-disabled",
    ext: ".py",
    unsafe: ["requests.get(url, verify=False)"],
    safe: ['requests.get(url, verify="/etc/ssl/ca.pem")'],
  },
];

for (const { rule, ext, unsafe, safe } of RULE_CASES) {
  test(`rule ${rule} (${ext}) fires on \`${unsafe.at(-1)}\` and not on \`${safe.at(-1)}\``, async (t) => {
    const bad = await analyzeOne(ext, [ext === ".py" ? "# header" : "// header", ...unsafe]);
    const match = bad.matches.find((m) => m.rule === rule);
    t.truthy(match, `no ${rule} match in ${JSON.stringify(bad.matches)}`);
    t.is(match?.line, unsafe.length + 1);
    t.is(match?.file, bad.path);
    t.true(["critical", "high", "medium", "low"].includes(match?.severity ?? ""));
    const good = await analyzeOne(ext, safe);
    t.deepEqual(
      good.matches.filter((m) => m.rule === rule && m.severity !== "info"),
      [],
    );
  });
}

test("rules option runs only the named rules; [] runs none", async (t) => {
  const lines = ["eval(x);", 'const password = "hunter22";'];
  t.deepEqual(
    (await analyzeOne(".js", lines, ["code-eval"])).matches.map((m) => m.rule),
    ["code-eval"],
  );
  t.deepEqual((await analyzeOne(".js", lines, [])).matches, []);
  t.deepEqual(
    (await analyzeOne(".js", lines)).matches.map((m) => m.rule),
    ["code-eval", "hardcoded-secret"],
  );
  t.is(RULE_IDS.length, 6);
});

async function rejectsWith(t: ExecutionContext, run: () => unknown, code: string, name: string): Promise<void> {
  const err = await t.throwsAsync(async () => run());
  t.true(err instanceof TerminalError, `${String(err)} is not terminal`);
  t.is((err as TerminalError).code, code);
  t.true(err?.message.includes(name), `"${err?.message}" does not name ${name}`);
}

test("bad pool options are rejected up front with an error naming the option", async (t) => {
  const invalid = ErrorCode.AnalysisOptionsInvalid;
  await rejectsWith(t, () => createAnalysisPool({ threads: 0 }), invalid, "threads");
  await rejectsWith(t, () => createAnalysisPool({ threads: 1.5 }), invalid, "threads");
  await rejectsWith(t, () => createAnalysisPool({ maxQueue: -1 }), invalid, "maxQueue");
  await rejectsWith(t, () => createAnalysisPool({ maxFileBytes: Number.NaN }), invalid, "maxFileBytes");
  await rejectsWith(t, () => createAnalysisPool({ thread: 2 } as never), invalid, "thread");
});

test("bad call arguments are rejected: unknown rules, paths escaping the root", async (t) => {
  const rel = await source(".js", ["x();"]);
  await rejectsWith(
    t,
    () => pool.analyzeFiles(root, [rel], { rules: ["no-such-rule"] }),
    ErrorCode.AnalysisOptionsInvalid,
    "rules",
  );
  await rejectsWith(t, () => pool.analyzeFiles(root, ["../etc/passwd.py"]), ErrorCode.InvalidInput, "relPaths[0]");
  await rejectsWith(t, () => pool.analyzeFiles(root, [rel, "/etc/x.py"]), ErrorCode.InvalidInput, "relPaths[1]");
  await rejectsWith(
    t,
    () => analyzeFilesInThread(root, [rel], { rule: [] } as never),
    ErrorCode.AnalysisOptionsInvalid,
    "rule",
  );
});

test("unparseable, unknown, missing and oversized files are reported without failing the batch", async (t) => {
  const broken = await source(".py", ["def broken(:", "    return", "class"]);
  const unknown = await source(".rb", ["puts 1"]);
  const big = await source(".js", ["x".repeat(5000)]);
  const fine = await source(".js", ["function ok() {}"]);
  const small = createAnalysisPool({ threads: 1, maxFileBytes: 4096 });
  t.teardown(() => small.close());
  const results = await small.analyzeFiles(root, [broken, unknown, "nope/missing.ts", big, fine]);
  t.deepEqual(
    results.map((r) => r.path),
    [broken, unknown, "nope/missing.ts", big, fine],
  );
  t.is(results[0].error, undefined);
  t.true(results[0].syntaxErrors.length > 0);
  t.is(results[0].syntaxErrors[0].line, 1);
  t.deepEqual(
    results.slice(1, 4).map((r) => r.error?.code),
    [ErrorCode.AnalysisUnsupportedFile, ErrorCode.AnalysisFileUnreadable, ErrorCode.AnalysisFileTooLarge],
  );
  t.is(results[1].language, null);
  t.deepEqual(
    results[4].symbols.map((s) => s.name),
    ["ok"],
  );
  const again = await small.analyzeFiles(root, [fine]);
  t.is(again[0].error, undefined);
});

test("many files keep their order across batches and match the in-thread analysis", async (t) => {
  const rels: string[] = [];
  for (let i = 0; i < 150; i++) {
    const ext = [".js", ".ts", ".py"][i % 3];
    const body =
      ext === ".py" ? [`def f${i}(x):`, "    return eval(x)"] : [`export function f${i}(x) { return eval(x); }`];
    rels.push(await source(ext, body));
  }
  const pooled = await pool.analyzeFiles(root, rels);
  t.deepEqual(
    pooled.map((r) => r.symbols[0]?.name),
    rels.map((_, i) => `f${i}`),
  );
  t.true(pooled.every((r) => r.matches.length === 1 && r.matches[0].rule === "code-eval"));
  t.deepEqual(await analyzeFilesInThread(root, rels), pooled);
});

test("a closed pool refuses work", async (t) => {
  const closing = createAnalysisPool({ threads: 1 });
  const rel = await source(".js", ["a();"]);
  t.is((await closing.analyzeFiles(root, [rel])).length, 1);
  await closing.close();
  await rejectsWith(t, () => closing.analyzeFiles(root, [rel]), ErrorCode.AnalysisFailed, "closed");
});
