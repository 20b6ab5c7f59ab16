// Unit tests of the tree-sitter analysis pool: real source files in a temp dir, real
// Piscina workers and real grammars; symbols, imports, security rules, bad input (metrics:
// analysis-metrics.unit.test.ts).
import test from "ava";
import type { ExecutionContext } from "ava";
import { ErrorCode, TerminalError } from "../protocol/errors.ts";
import { analyzeFilesInThread, createAnalysisPool, RULE_IDS } from "../infra/analysis/index.ts";
import { analysisWorkspace } from "./helpers/analysis-workspace.ts";

const ws = analysisWorkspace(test);
const { source, analyzeOne } = ws;

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
    () => ws.pool.analyzeFiles(ws.root, [rel], { rules: ["no-such-rule"] }),
    ErrorCode.AnalysisOptionsInvalid,
    "rules",
  );
  await rejectsWith(
    t,
    () => ws.pool.analyzeFiles(ws.root, ["../etc/passwd.py"]),
    ErrorCode.InvalidInput,
    "relPaths[0]",
  );
  await rejectsWith(t, () => ws.pool.analyzeFiles(ws.root, [rel, "/etc/x.py"]), ErrorCode.InvalidInput, "relPaths[1]");
  await rejectsWith(
    t,
    () => analyzeFilesInThread(ws.root, [rel], { rule: [] } as never),
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
  const results = await small.analyzeFiles(ws.root, [broken, unknown, "nope/missing.ts", big, fine]);
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
  const again = await small.analyzeFiles(ws.root, [fine]);
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
  const pooled = await ws.pool.analyzeFiles(ws.root, rels);
  t.deepEqual(
    pooled.map((r) => r.symbols[0]?.name),
    rels.map((_, i) => `f${i}`),
  );
  t.true(pooled.every((r) => r.matches.length === 1 && r.matches[0].rule === "code-eval"));
  t.deepEqual(await analyzeFilesInThread(ws.root, rels), pooled);
});

test("a closed pool refuses work", async (t) => {
  const closing = createAnalysisPool({ threads: 1 });
  const rel = await source(".js", ["a();"]);
  t.is((await closing.analyzeFiles(ws.root, [rel])).length, 1);
  await closing.close();
  await rejectsWith(t, () => closing.analyzeFiles(ws.root, [rel]), ErrorCode.AnalysisFailed, "closed");
});
