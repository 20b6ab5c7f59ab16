// Scenario: patchbay's sink rules follow values inside a function (real grammars, in-thread):
// request input and argv reach SQL, shell and eval sinks through declarations, destructuring,
// `+=`, loops, walrus, templates, f-strings, `%` and `.format` (critical); parameters are of
// unknown origin (high for SQL and shell, medium for eval); constants, sanitizers and
// parameterized queries are no finding, and eval of a constant string is low.
import test from "ava";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeFilesInThread } from "../infra/analysis/index.ts";

let root = "";
test.before(async () => {
  root = await mkdtemp(join(tmpdir(), "patchbay-taint-"));
});
test.after.always(() => rm(root, { recursive: true, force: true }));

/** `severity rule@line flow` of every match of `source` saved as `name`. */
async function matches(name: string, source: string): Promise<string[]> {
  await writeFile(join(root, name), source);
  const [file] = await analyzeFilesInThread(root, [name]);
  return file.matches.map((m) => `${m.severity} ${m.rule}@${m.line} ${m.flow ?? ""}`.trim());
}

test("JS: request input through destructuring, +=, templates and loops is critical", async (t) => {
  const source = [
    "function h(req, res) {",
    "  const { name } = req.body;",
    "  let sql = 'SELECT * FROM t WHERE a = 1';",
    "  sql += ` AND name = '${name}'`;",
    "  pool.query(sql);",
    "  for (const id of req.body.ids) conn.execute('DELETE FROM t WHERE id = ' + id);",
    "  childProcess.execSync(`git log ${process.argv[2]}`);",
    "}",
  ].join("\n");
  t.deepEqual(await matches("a.js", source), [
    "critical sql-injection@5 req.body reaches pool.query()",
    "critical sql-injection@6 req.body.ids reaches conn.execute()",
    "critical command-injection@7 process.argv[2] reaches childProcess.execSync()",
  ]);
});

test("JS: constants, sanitizers, placeholders and later assignments are no finding (a fixed command is info)", async (t) => {
  const source = [
    "const TABLE = 'users';",
    "function h(req) {",
    "  const n = Number(req.query.n);",
    "  db.query('SELECT * FROM ' + TABLE + ' LIMIT ' + n);",
    "  db.query('SELECT * FROM t WHERE id = $1', [req.query.id]);",
    "  const cmd = 'ls';",
    "  exec(cmd);",
    "  let later = 'SELECT 1';",
    "  db.query(later);",
    "  later = 'SELECT ' + req.query.x;",
    "  return /SELECT/.exec(req.query.q);",
    "}",
  ].join("\n");
  t.deepEqual(await matches("b.ts", source), ["info command-injection@7 only literals or cleaned values reach exec()"]);
});

test("JS: parameters are of unknown origin; eval of a constant is low", async (t) => {
  const source = [
    "function find(db, id) { return db.query(`SELECT * FROM t WHERE id = ${id}`); }",
    "function run(cmd) { return exec(cmd); }",
    "const g = new Function('return this')();",
    "function compile(body) { return new Function('a', body); }",
  ].join("\n");
  t.deepEqual(await matches("c.js", source), [
    "critical sql-injection@1 value of unknown origin reaches db.query()",
    "high command-injection@2 value of unknown origin reaches exec()",
    "low code-eval@3 only literals or cleaned values reach Function()",
    "medium code-eval@4 value of unknown origin reaches Function()",
  ]);
});

test("Python: request input, input() and sys.argv through f-strings, % and .format are critical", async (t) => {
  const source = [
    "import os, subprocess, sys",
    "from flask import request",
    "def view():",
    "    uid = request.args.get('id')",
    "    cursor.execute(f'SELECT * FROM t WHERE id = {uid}')",
    "    q = 'DELETE FROM t WHERE a = %s' % request.form['a']",
    "    cursor.execute(q)",
    "    if (name := input()):",
    "        os.system('echo {}'.format(name))",
    "    subprocess.run('ls ' + sys.argv[1], shell=True)",
    "    eval(request.json['expr'])",
  ].join("\n");
  t.deepEqual(await matches("v.py", source), [
    "critical sql-injection@5 request.args.get('id') reaches cursor.execute()",
    "critical sql-injection@7 request.form['a'] reaches cursor.execute()",
    "critical command-injection@9 input() reaches os.system()",
    "critical command-injection@10 sys.argv[1] reaches subprocess.run()",
    "critical code-eval@11 request.json['expr'] reaches eval()",
  ]);
});

test("Python: constant loops, quoting and constant exec are no high finding", async (t) => {
  const source = [
    "import os, shlex",
    "exec('''def reraise(tp, value, tb=None):",
    "    raise tp(value).with_traceback(tb)",
    "''')",
    "def which():",
    "    for editor in 'vim', 'nano':",
    "        os.system(f'which {editor}')",
    "def safe(path):",
    "    os.system('ls ' + shlex.quote(path))",
    "def unsafe(path):",
    "    os.system('ls ' + path)",
  ].join("\n");
  t.deepEqual(await matches("w.py", source), [
    "low code-eval@2 only literals or cleaned values reach exec()",
    "info command-injection@7 only literals or cleaned values reach os.system()",
    "info command-injection@9 only literals or cleaned values reach os.system()",
    "high command-injection@11 value of unknown origin reaches os.system()",
  ]);
});
