// Scenario: the lint check uses the linter a JavaScript repository chose, on real repositories
// and real tools from the npm registry. The real kleur 4.1.5 (CommonJS, no eslint config) gets
// patchbay's bug-only default: no `no-undef require`, no `prefer-const`; an undefined name
// planted in one of its CommonJS files is found. A repo with biome.json is linted by its own
// biome (installed from the registry by the check) and biome's rules are reported under
// biome's name. A repo whose only lint command is its `lint` script (eslint with a config at a
// path only the script knows) is judged by that script, with the problems read from eslint's
// output. Auto-fix on the biome repo applies biome's safe fixes only. A biome.json whose biome
// is not installed, or a legacy .eslintrc without the repo's eslint, is "could not run", never a
// pass; a legacy .eslintrc with the repo's eslint 8 is linted by it, on the files the repo's
// lint script names (an examples folder it leaves out is not counted, as in commander 9.4.1).
import test from "ava";
import type { ExecutionContext } from "ava";
import { execFile } from "node:child_process";
import { readdir, rename } from "node:fs/promises";
import { join } from "node:path";
import { checkBinding } from "../actors/checker/index.ts";
import { autofixBinding } from "../actors/coder/index.ts";
import type { AutofixOutput, CheckOutcome } from "../protocol/quality-gate.ts";
import { branchWith, checkerPorts, initRepo, rawHandler, targetOf, taskContext, tempDir } from "./helpers/repos.ts";
import type { RawHandler } from "./helpers/repos.ts";

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

const BIOME_VERSION = "2.6.8";
const ESLINT_VERSION = "10.15.0";

let root: string;
let cache: string;
let lint: RawHandler;
let autofix: RawHandler;
/**
 * The repos' `.npmrc`: the sandbox gives npm a HOME of its own and no CA variables, so a
 * machine whose registry traffic goes through a proxy with its own CA (npm's `cafile` in the
 * user's config) needs it in the repository's config, as any CI checkout there would.
 */
let npmrc: string;

test.before(async () => {
  root = await tempDir("patchbay-lint-repos-", (fn) => cleanups.push(fn));
  cache = join(root, "npm-cache");
  const { ports, analysis } = checkerPorts(join(root, "cache"));
  cleanups.push(() => analysis.close());
  lint = rawHandler(checkBinding({ ...ports, packageCache: cache }));
  autofix = rawHandler(autofixBinding({ ...ports, packageCache: cache }));
  const cafile = await run(root, "npm", ["config", "get", "cafile"]);
  npmrc = cafile === "null" || cafile === "" ? "" : `cafile=${cafile}\n`;
});

/** Runs a command (npm, tar, git) in `cwd`; rejects on failure. */
function run(cwd: string, cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${cmd} ${args.join(" ")}: ${stderr}`)) : resolve(stdout.trim()),
    );
  });
}

/** Writes package-lock.json for `dir`'s package.json from the registry (metadata only). */
async function lockFromRegistry(dir: string): Promise<void> {
  await run(dir, "npm", ["install", "--package-lock-only", "--no-audit", "--no-fund", `--cache=${cache}`]);
}

async function checkLint(t: ExecutionContext, origin: string, branch: string, sha: string): Promise<CheckOutcome> {
  t.timeout(300_000);
  const outcome = (await lint(
    { check: "lint", target: targetOf(origin, branch, sha), required_coverage: 80, timeout_ms: 240_000 },
    taskContext("check.run"),
  )) as CheckOutcome;
  t.log(`${branch}: ${outcome.summary} (${outcome.duration_ms} ms)`);
  return outcome;
}

const rulesOf = (outcome: CheckOutcome) => outcome.issues.map((issue) => [issue.file, issue.line, issue.rule]);

test.serial("kleur 4.1.5 (CommonJS, no config): no false errors; a planted undefined name is found", async (t) => {
  const origin = join(root, "kleur");
  await run(root, "npm", ["pack", "kleur@4.1.5", `--cache=${cache}`, "--pack-destination", root]);
  await run(root, "tar", ["xzf", "kleur-4.1.5.tgz"]);
  await rename(join(root, "package"), origin);
  const files = await readdir(origin);
  const base = await initRepo(origin, { ".npmrc": npmrc });
  t.true(files.includes("index.js") && files.includes("colors.js"), files.join(" "));

  const clean = await checkLint(t, origin, "main", base);
  t.true(clean.passed, clean.summary);
  t.like(clean.metrics, { errors: 0, warnings: 0 });
  t.regex(clean.summary, /patchbay eslint, default config/);

  const typo = `'use strict';\nconst { join } = require('path');\n\nmodule.exports = (name) => join(__dirname, nmae);\n`;
  const planted = await branchWith(origin, "main", "typo", { "paths.js": typo });
  const found = await checkLint(t, origin, "typo", planted);
  t.false(found.passed);
  t.like(found.metrics, { errors: 1, warnings: 0, fixable: 0 });
  t.deepEqual(rulesOf(found), [["paths.js", 4, "no-undef"]]);
  t.regex(found.issues[0].message, /'nmae' is not defined/);
});

const SUSPICIOUS = `export function check(a) {
  if (a == NaN) {
    debugger;
  }
  return typeof a === "strng";
}
`;

test.serial("a repo with biome.json is linted by its own biome, reported under biome's name", async (t) => {
  const origin = join(root, "biome-repo");
  const pkg = {
    name: "biome-repo",
    version: "1.0.0",
    type: "module",
    devDependencies: { "@biomejs/biome": BIOME_VERSION },
  };
  await initRepo(origin, {
    "package.json": JSON.stringify(pkg, null, 2),
    "biome.json": JSON.stringify({ linter: { enabled: true } }),
    ".npmrc": npmrc,
    ".gitignore": "node_modules/\n",
    "src/check.js": SUSPICIOUS,
  });
  await lockFromRegistry(origin);
  await run(origin, "git", ["add", "package-lock.json"]);
  await run(origin, "git", ["-c", "user.name=dev", "-c", "user.email=dev@example.invalid", "commit", "-qm", "lock"]);
  const sha = await run(origin, "git", ["rev-parse", "HEAD"]);

  const outcome = await checkLint(t, origin, "main", sha);
  t.false(outcome.passed);
  t.regex(outcome.summary, new RegExp(`— biome ${BIOME_VERSION.replaceAll(".", "\\.")}, biome\\.json$`));
  t.like(outcome.metrics, { errors: 4, warnings: 0 });
  t.deepEqual(rulesOf(outcome).sort(), [
    ["src/check.js", 2, "lint/correctness/useIsNan"],
    ["src/check.js", 2, "lint/suspicious/noDoubleEquals"],
    ["src/check.js", 3, "lint/suspicious/noDebugger"],
    ["src/check.js", 5, "lint/correctness/useValidTypeof"],
  ]);

  await fixesWithBiome(t, origin);

  const missing = await branchWith(origin, "main", "no-biome", {
    "package.json": JSON.stringify({ name: "biome-repo", version: "1.0.0", type: "module" }),
    "package-lock.json": null,
  });
  const unavailable = await checkLint(t, origin, "no-biome", missing);
  t.like(unavailable, { passed: false, skipped: true, status: "unavailable", score: 0 });
  t.regex(unavailable.skip_reason ?? "", /biome \(configured by biome\.json\) is not installed/);
});

/** Auto-fix on a biome repo applies biome's safe fixes (`let` never reassigned → `const`), nothing unsafe. */
async function fixesWithBiome(t: ExecutionContext, origin: string): Promise<void> {
  const fixable = "export function f(a) {\n  let once = 1;\n  return a + once;\n}\n";
  const sha = await branchWith(origin, "main", "fixable", { "src/once.js": fixable });
  const before = await checkLint(t, origin, "fixable", sha);
  t.like(before.metrics, { errors: 4, warnings: 1, fixable: 1 });
  t.deepEqual(
    before.issues.filter((issue) => issue.fixable).map((issue) => [issue.file, issue.line, issue.rule]),
    [["src/once.js", 2, "lint/style/useConst"]],
  );
  const output = (await autofix(
    { target: targetOf(origin, "fixable", sha), timeout_ms: 240_000 },
    taskContext("gate.autofix"),
  )) as AutofixOutput;
  t.log(`auto-fix: ${JSON.stringify(output)}`);
  t.like(output, { applied: true, fixed: 1, files: ["src/once.js"], tools: ["biome lint --write"] });
  t.regex(await run(origin, "git", ["show", "fixable:src/once.js"]), /^ {2}const once = 1;$/m);
  t.is(
    await run(origin, "git", ["show", "fixable:src/check.js"]),
    SUSPICIOUS.trim(),
    "unsafe fixes (== → ===) left alone",
  );
}

test.serial("a repo whose lint command is its `lint` script is judged by that script", async (t) => {
  const origin = join(root, "script-repo");
  const pkg = {
    name: "script-repo",
    version: "1.0.0",
    type: "module",
    scripts: { lint: "eslint --config config/lint-rules.js src" },
    devDependencies: { eslint: ESLINT_VERSION },
  };
  await initRepo(origin, {
    "package.json": JSON.stringify(pkg, null, 2),
    ".npmrc": npmrc,
    "config/lint-rules.js": `export default [{ rules: { eqeqeq: "error", "no-debugger": "warn" } }];\n`,
    ".gitignore": "node_modules/\n",
    "src/check.js": SUSPICIOUS,
  });
  await lockFromRegistry(origin);
  await run(origin, "git", ["add", "package-lock.json"]);
  await run(origin, "git", ["-c", "user.name=dev", "-c", "user.email=dev@example.invalid", "commit", "-qm", "lock"]);
  const sha = await run(origin, "git", ["rev-parse", "HEAD"]);

  const outcome = await checkLint(t, origin, "main", sha);
  t.false(outcome.passed);
  t.regex(outcome.summary, /— npm run lint \(eslint --config config\/lint-rules\.js src\)$/);
  t.like(outcome.metrics, { errors: 1, warnings: 1 });
  t.deepEqual(rulesOf(outcome).sort(), [
    [undefined, undefined, "lint-script"],
    ["src/check.js", 2, "eqeqeq"],
    ["src/check.js", 3, "no-debugger"],
  ]);
});

test.serial(
  "a legacy .eslintrc is linted by the repo's own eslint 8, on its lint script's files; without eslint, lint could not run",
  async (t) => {
    const origin = join(root, "legacy-repo");
    const pkg = { name: "legacy-repo", version: "1.0.0", devDependencies: { eslint: "8.57.1" } };
    await initRepo(origin, {
      "package.json": JSON.stringify(pkg, null, 2),
      ".eslintrc.json": JSON.stringify({ root: true, env: { node: true, es2022: true }, rules: { eqeqeq: "error" } }),
      ".npmrc": npmrc,
      ".gitignore": "node_modules/\n",
      "src/check.js": "module.exports = (a) => a == null ? require('path').sep : a;\n",
    });
    await lockFromRegistry(origin);
    await run(origin, "git", ["add", "package-lock.json"]);
    await run(origin, "git", ["-c", "user.name=dev", "-c", "user.email=dev@example.invalid", "commit", "-qm", "lock"]);
    const sha = await run(origin, "git", ["rev-parse", "HEAD"]);

    const outcome = await checkLint(t, origin, "main", sha);
    t.regex(outcome.summary, /— eslint \(repo eslint 8\.57\.1, \.eslintrc\.json\)$/);
    t.like(outcome.metrics, { errors: 1, warnings: 0 });
    t.deepEqual(rulesOf(outcome), [["src/check.js", 1, "eqeqeq"]]);

    // The maintainers lint src/ through `npm run lint` → `npm run lint:src`; examples/ is theirs to leave out.
    const scripts = { lint: "npm run lint:src", "lint:src": 'eslint "src/*.js"' };
    const scripted = await branchWith(origin, "main", "scripted", {
      "package.json": JSON.stringify({ ...pkg, scripts }, null, 2),
      "examples/demo.js": "module.exports = (a) => a == 1;\n",
    });
    const own = await checkLint(t, origin, "scripted", scripted);
    t.regex(own.summary, /— eslint \(repo eslint 8\.57\.1, \.eslintrc\.json, the files of npm run lint\)$/);
    t.deepEqual(rulesOf(own), [["src/check.js", 1, "eqeqeq"]]);

    const without = await branchWith(origin, "main", "no-eslint", {
      "package.json": JSON.stringify({ name: "legacy-repo", version: "1.0.0" }),
      "package-lock.json": null,
    });
    const unavailable = await checkLint(t, origin, "no-eslint", without);
    t.like(unavailable, { passed: false, skipped: true, status: "unavailable", score: 0 });
    t.regex(unavailable.skip_reason ?? "", /legacy eslint config \.eslintrc\.json needs the repo's own eslint/);
  },
);

test.serial("a lint script whose tool is not found could not run: never a pass, never a lint failure", async (t) => {
  const origin = join(root, "missing-tool");
  const pkg = { name: "missing-tool", version: "1.0.0", scripts: { lint: "no-such-linter-here src" } };
  const sha = await initRepo(origin, { "package.json": JSON.stringify(pkg), "src/a.js": "module.exports = 1;\n" });
  const outcome = await checkLint(t, origin, "main", sha);
  t.like(outcome, { passed: false, skipped: true, status: "unavailable", score: 0 });
  t.regex(
    outcome.skip_reason ?? "",
    /^npm run lint \(no-such-linter-here src\) could not run \(exit 127\): .*not found/,
  );
});
