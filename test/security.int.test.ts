// Scenario: the security check on real code. Popular npm packages (`npm pack`) and Debian's
// Python packages (`apt-get download` + `dpkg-deb -x`) get no false high or critical finding;
// planted holes are caught with file and line — SQL built from `req.query` through a variable
// is critical, a shell command from `request.form` too, `exec` of a constant string is low
// (not bandit's medium), a shell command of literals only is info (not bandit's high), bandit finds what patchbay's rules cannot see (an aliased
// subprocess), and a Go service nothing can analyse is unavailable naming Go, never passed.
import test from "ava";
import type { ExecutionContext } from "ava";
import { execFile } from "node:child_process";
import { cp, mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { checkBinding } from "../actors/checker/index.ts";
import type { CheckOutcome } from "../protocol/quality-gate.ts";
import {
  checkerPorts,
  git,
  DEV_ID,
  initRepo,
  rawHandler,
  type RawHandler,
  taskContext,
  targetOf,
  tempDir,
} from "./helpers/repos.ts";

const run = promisify(execFile);
const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

/** Pinned, so the figures in docs/checks.md stay reproducible. */
const NPM_PACKAGES = [
  "kleur@4.1.5",
  "cors@2.8.6",
  "commander@14.0.3",
  "ms@2.1.3",
  "path-to-regexp@0.1.12",
  "express@5.1.0",
];
const DEBIAN_PACKAGES = ["python3-six", "python3-more-itertools", "python3-itsdangerous"];

const PLANTED_JS = `const { exec } = require("child_process");

function handler(req, res) {
  const sql = "SELECT * FROM users WHERE id = " + req.query.id;
  db.query(sql);
  const limit = parseInt(req.query.limit, 10);
  db.query("SELECT * FROM users LIMIT " + limit);
  db.query("SELECT * FROM users WHERE name = $1", [req.query.name]);
  exec("make clean");
  res.send(eval("1 + 1"));
}

module.exports = { handler };
`;

const PLANTED_PY = `import pickle
import subprocess
import subprocess as sp

from flask import request

exec("""def reraise(tp, value, tb=None):
    raise tp(value).with_traceback(tb)
""")


def archive():
    name = request.form["name"]
    cmd = "tar czf /tmp/out.tgz " + name
    subprocess.call(cmd, shell=True)


def restore(blob, cmd):
    sp.call(cmd, shell=True)
    return pickle.loads(blob)


def find_editor():
    import os
    for editor in "sensible-editor", "vim", "nano":
        if os.system(f"which {editor} >/dev/null 2>&1") == 0:
            return editor
`;

const GO_SERVICE = `package main

import (
\t"database/sql"
\t"net/http"
)

func handler(db *sql.DB) http.HandlerFunc {
\treturn func(w http.ResponseWriter, r *http.Request) {
\t\tdb.Query("SELECT * FROM users WHERE id = " + r.URL.Query().Get("id"))
\t}
}
`;

let root = "";
let handler: RawHandler;

test.before(async () => {
  root = await tempDir("patchbay-security-", (fn) => cleanups.push(fn));
  const { ports, analysis } = checkerPorts(join(root, "cache"));
  cleanups.push(() => analysis.close());
  handler = rawHandler(checkBinding(ports));
});

/** A git repo (main, one commit) holding a copy of `src` without `drop`. */
async function repoOf(
  src: string,
  name: string,
  drop: readonly string[] = [],
): Promise<{ origin: string; sha: string }> {
  const origin = join(root, "repos", name);
  await cp(src, origin, { recursive: true });
  for (const file of drop) await rm(join(origin, file), { force: true });
  await git(origin, "init", "--quiet", "-b", "main");
  await git(origin, "add", "-A");
  await git(origin, ...DEV_ID, "commit", "--quiet", "-m", "import");
  return { origin, sha: await git(origin, "rev-parse", "HEAD") };
}

async function security(t: ExecutionContext, origin: string, sha: string): Promise<CheckOutcome> {
  const input = {
    check: "security",
    target: targetOf(origin, "main", sha),
    required_coverage: 80,
    timeout_ms: 120_000,
  };
  const outcome = (await handler(input, taskContext("check.run"))) as CheckOutcome;
  t.log(`${outcome.summary}`);
  return outcome;
}

function serious(outcome: CheckOutcome): string[] {
  return outcome.issues
    .filter((issue) => issue.severity === "critical" || issue.severity === "high")
    .map(
      (issue) =>
        `${issue.severity} ${issue.message}${issue.detail ? `: ${issue.detail}` : ""} ${issue.file}:${issue.line}`,
    );
}

/** npm's tarball of `spec`, unpacked; package.json is left out so no install or audit runs (the code is what is checked). */
async function npmPackage(spec: string): Promise<string> {
  const dir = join(root, "npm", spec.replace(/[@/]/g, "_"));
  await mkdir(dir, { recursive: true });
  const { stdout } = await run("npm", ["pack", spec, "--silent", "--pack-destination", dir], { cwd: dir });
  await run("tar", ["xzf", join(dir, stdout.trim().split("\n").pop() ?? ""), "-C", dir]);
  return join(dir, "package");
}

/** Debian's package unpacked; its Python modules are the repo. */
async function debianPackage(name: string): Promise<string> {
  const dir = join(root, "deb", name);
  await mkdir(dir, { recursive: true });
  await run("apt-get", ["download", name], { cwd: dir });
  const deb = (await readdir(dir)).find((file) => file.endsWith(".deb")) ?? "";
  await run("dpkg-deb", ["-x", join(dir, deb), join(dir, "x")]);
  return join(dir, "x/usr/lib/python3/dist-packages");
}

for (const spec of NPM_PACKAGES) {
  test(`npm ${spec}: no high or critical finding`, async (t) => {
    const { origin, sha } = await repoOf(await npmPackage(spec), spec.replace(/[@/]/g, "_"), ["package.json"]);
    const outcome = await security(t, origin, sha);
    t.false(outcome.skipped, outcome.skip_reason);
    t.true(outcome.metrics.files_scanned > 0);
    t.deepEqual(serious(outcome), []);
    t.true(outcome.passed);
  });
}

for (const name of DEBIAN_PACKAGES) {
  test(`Debian ${name}: no high or critical finding (bandit and patchbay's rules)`, async (t) => {
    const { origin, sha } = await repoOf(await debianPackage(name), name);
    const outcome = await security(t, origin, sha);
    t.false(outcome.skipped, outcome.skip_reason);
    t.regex(outcome.summary, /bandit/);
    t.deepEqual(serious(outcome), []);
    t.true(outcome.passed);
  });
}

test("six's exec of a constant string is low, not bandit's medium nor a high", async (t) => {
  const { origin, sha } = await repoOf(await debianPackage("python3-six"), "six-again");
  const outcome = await security(t, origin, sha);
  const evals = outcome.issues.filter((issue) => issue.rule === "code-eval" || issue.rule === "B102");
  t.true(evals.length > 0);
  t.true(evals.every((issue) => issue.severity === "low" && issue.rule === "code-eval"));
});

test("planted JavaScript: SQL from req.query through a variable is critical, with file and line", async (t) => {
  const sha = await initRepo(join(root, "planted-js"), { "src/app.js": PLANTED_JS });
  const outcome = await security(t, join(root, "planted-js"), sha);
  t.false(outcome.passed);
  t.deepEqual(serious(outcome), ["critical SQL injection vulnerability: req.query.id reaches db.query() src/app.js:5"]);
  t.like(
    outcome.issues.find((issue) => issue.rule === "code-eval"),
    { severity: "low", line: 10 },
  );
  // parseInt, a placeholder and a fixed command: nothing counted (the fixed command is info).
  t.deepEqual(
    outcome.issues.filter((issue) => [7, 8, 9].includes(issue.line ?? 0)).map((issue) => issue.severity),
    ["info"],
  );
});

test("planted Python: request input to a shell is critical; bandit sees the aliased subprocess and pickle", async (t) => {
  const sha = await initRepo(join(root, "planted-py"), { "app.py": PLANTED_PY, "requirements.txt": "flask\n" });
  const outcome = await security(t, join(root, "planted-py"), sha);
  t.false(outcome.passed);
  t.deepEqual(serious(outcome).slice(0, 1), [
    'critical Command injection: request.form["name"] reaches subprocess.call() app.py:15',
  ]);
  t.like(
    outcome.issues.find((issue) => issue.line === 19),
    { severity: "high", rule: "B602" },
  );
  t.like(
    outcome.issues.find((issue) => issue.line === 20),
    { severity: "medium", rule: "B301" },
  );
  t.like(
    outcome.issues.find((issue) => issue.line === 7),
    { severity: "low", rule: "code-eval" },
  );
  // click's editor lookup: bandit's B605 says high, patchbay's rule sees only literals (info).
  t.deepEqual(
    outcome.issues.filter((issue) => issue.line === 26).map((issue) => `${issue.severity} ${issue.rule}`),
    ["info command-injection"],
  );
  // bandit's LOW severity / HIGH confidence is low.
  t.like(
    outcome.issues.find((issue) => issue.line === 1),
    { severity: "low", rule: "B403" },
  );
});

test("a .bandit file of the repository is honoured: its skips are added to patchbay's", async (t) => {
  const files = { "app.py": PLANTED_PY, ".bandit": "[bandit]\nskips: B301,B403\n" };
  const sha = await initRepo(join(root, "planted-py-config"), files);
  const outcome = await security(t, join(root, "planted-py-config"), sha);
  t.false(outcome.issues.some((issue) => issue.rule === "B301" || issue.rule === "B403"));
  t.true(outcome.issues.some((issue) => issue.rule === "B602"));
});

test("a Go service is unavailable naming Go, never passed", async (t) => {
  const sha = await initRepo(join(root, "go-service"), { "main.go": GO_SERVICE, "go.mod": "module example.com/svc\n" });
  const outcome = await security(t, join(root, "go-service"), sha);
  t.false(outcome.passed);
  t.true(outcome.skipped);
  t.is(outcome.status, "unavailable");
  t.regex(outcome.skip_reason ?? "", /Go \(1 file\): no security analyser for Go/);
});

test("a JavaScript repo with a Go helper is analysed, the Go part named as not analysed", async (t) => {
  const files = {
    "src/a.js": "module.exports = 1;\n",
    "src/b.js": "module.exports = 2;\n",
    "tools/gen.go": GO_SERVICE,
  };
  const sha = await initRepo(join(root, "mixed"), files);
  const outcome = await security(t, join(root, "mixed"), sha);
  t.false(outcome.skipped);
  t.true(outcome.passed);
  t.like(outcome.metrics, { files_scanned: 2, files_not_analysed: 1 });
  t.regex(outcome.summary, /not analysed: Go \(1 file\)/);
});

test("a repository with no source files (only tests and docs) is not applicable, not a pass", async (t) => {
  const files = {
    "package.json": JSON.stringify({ name: "notes", version: "1.0.0" }),
    "README.md": "# notes\n",
    "test/a.test.js": "eval(process.argv[2]);\n",
  };
  const sha = await initRepo(join(root, "no-sources"), files);
  const outcome = await security(t, join(root, "no-sources"), sha);
  t.false(outcome.passed);
  t.is(outcome.status, "not_applicable");
  t.regex(outcome.skip_reason ?? "", /no source files to scan/);
});

test("JavaScript eslint cannot parse is named as not analysed; when it is all there is, unavailable", async (t) => {
  const sha = await initRepo(join(root, "unparsable"), { "src/broken.js": "function (\n" });
  const outcome = await security(t, join(root, "unparsable"), sha);
  t.false(outcome.passed);
  t.is(outcome.status, "unavailable");
  t.regex(
    outcome.skip_reason ?? "",
    /JavaScript\/TypeScript \(1 file\): eslint-plugin-security could not parse src\/broken\.js/,
  );
});
