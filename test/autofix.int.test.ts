// Scenario: the coder's gate.autofix handler on a real tiny Node repository with fixable lint
// problems under its own eslint config and a formatter (a stand-in prettier from a local
// registry) makes exactly one commit
// with patchbay's identity on the branch in the origin, after which the lint check passes; a
// second run changes nothing (no commit), and a redelivered task returns the commit it already
// made instead of fixing again (the commit carries the task's key). A branch that moved after
// the commit the checks ran on is not fixed: BRANCH_MOVED, nothing pushed over the new commit.
import test, { type ExecutionContext } from "ava";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { checkBinding } from "../actors/checker/index.ts";
import { AUTOFIX_MESSAGE, autofixBinding } from "../actors/coder/index.ts";
import type { AutofixOutput, CheckOutcome } from "../protocol/quality-gate.ts";
import {
  branchWith,
  checkerPorts,
  git,
  initRepo,
  lockfileWith,
  PATCHBAY_AUTHOR,
  startStubRegistry,
  taskContext,
  rawHandler,
  type RawHandler,
  targetOf,
  tempDir,
} from "./helpers/repos.ts";

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

const PKG = JSON.stringify(
  {
    name: "fixme",
    version: "1.0.0",
    type: "module",
    scripts: { test: "node --test" },
    devDependencies: { prettier: "^3.0.0" },
  },
  null,
  2,
);
/** The repo's own lint choice: `const` over `let`, no `var` (patchbay's default has no style rules). */
const ESLINT_CONFIG = `export default [{ files: ["**/*.js"], rules: { "prefer-const": "error", "no-var": "error" } }];
`;
const MESSY = `var count = 0;
let step = 2;
const name = "x";${"   "}

export function bump() {
  count = count + step;
  return { name: name, count };
}
`;

test("auto-fix commits once with patchbay's identity, and lint then passes", async (t) => {
  const root = await tempDir("patchbay-autofix-", (fn) => cleanups.push(fn));
  const registry = await startStubRegistry(join(root, "registry"));
  cleanups.push(() => registry.close());
  const { ports, analysis } = checkerPorts(join(root, "cache"));
  cleanups.push(() => analysis.close());
  const origin = join(root, "origin");
  await initRepo(origin, {
    "package.json": PKG,
    "package-lock.json": lockfileWith("fixme", registry, { prettier: "3.0.0" }, true),
    ".npmrc": `registry=${registry.url}\n`,
    ".gitignore": "node_modules/\n",
    "eslint.config.js": ESLINT_CONFIG,
    "src/clean.js": "export const one = 1;\n",
  });
  const before = await branchWith(origin, "main", "fix-me", { "src/messy.js": MESSY });
  const autofix = rawHandler(autofixBinding(ports));
  const lint = rawHandler(checkBinding(ports));

  const started = Date.now();
  const output = (await autofix(
    { target: targetOf(origin, "fix-me", before), timeout_ms: 120_000 },
    taskContext("gate.autofix"),
  )) as AutofixOutput;
  t.log(`auto-fix: ${JSON.stringify(output)} (${Date.now() - started} ms)`);
  t.true(output.applied);
  t.deepEqual(output.files, ["src/messy.js"]);
  t.deepEqual(output.tools, ["eslint --fix", "prettier --write"]);
  t.is(output.fixed, 2, "no-var and prefer-const");
  const after = await git(origin, "rev-parse", "fix-me");
  t.is(output.commit_sha, after);
  t.is(await git(origin, "rev-list", "--count", `${before}..fix-me`), "1");
  t.is(
    await git(origin, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%s", "fix-me"),
    `${PATCHBAY_AUTHOR.name} <${PATCHBAY_AUTHOR.email}>|${PATCHBAY_AUTHOR.name} <${PATCHBAY_AUTHOR.email}>|${AUTOFIX_MESSAGE}`,
  );
  t.regex(await git(origin, "show", "fix-me:src/messy.js"), /^let count = 0;\nconst step = 2;\nconst name = "x";\n/);

  const relint = (await lint(
    { check: "lint", target: targetOf(origin, "fix-me", after), required_coverage: 80, timeout_ms: 120_000 },
    taskContext("check.run"),
  )) as CheckOutcome;
  t.true(relint.passed, relint.summary);
  t.like(relint.metrics, { errors: 0, warnings: 0 });

  await runsOnce(t, autofix, origin, before, after);
});

/** A second run changes nothing; a redelivery of the first returns its commit, which carries the task's key. */
async function runsOnce(
  t: ExecutionContext,
  autofix: RawHandler,
  origin: string,
  before: string,
  after: string,
): Promise<void> {
  const again = (await autofix(
    { target: targetOf(origin, "fix-me", after), timeout_ms: 120_000 },
    taskContext("gate.autofix"),
  )) as AutofixOutput;
  t.false(again.applied);
  t.is(again.commit_sha, undefined);
  const redelivered = (await autofix(
    { target: targetOf(origin, "fix-me", before), timeout_ms: 120_000 },
    taskContext("gate.autofix"),
  )) as AutofixOutput;
  t.like(redelivered, {
    applied: true,
    commit_sha: after,
    fixed: 2,
    files: ["src/messy.js"],
    tools: ["eslint --fix", "prettier --write"],
  });
  t.is(await git(origin, "rev-parse", "fix-me"), after, "no further commit");
  t.regex(
    await git(origin, "log", "-1", "--format=%b", "fix-me"),
    /^Patchbay-Task: wf-test\/1\/t1$/m,
    "with the task's key",
  );
}

test("with patchbay's default config (the repo chose no linter), auto-fix rewrites nothing", async (t) => {
  const root = await tempDir("patchbay-autofix-default-", (fn) => cleanups.push(fn));
  const { ports, analysis } = checkerPorts(join(root, "cache"));
  cleanups.push(() => analysis.close());
  const origin = join(root, "origin");
  await initRepo(origin, {
    "package.json": JSON.stringify({ name: "no-linter", type: "module" }),
    "src/clean.js": "export const one = 1;\n",
  });
  const before = await branchWith(origin, "main", "as-is", {
    "src/messy.js": `${MESSY}export const odd = (x) => x === NaN;\n`,
  });
  const autofix = rawHandler(autofixBinding(ports));
  const output = (await autofix(
    { target: targetOf(origin, "as-is", before), timeout_ms: 120_000 },
    taskContext("gate.autofix"),
  )) as AutofixOutput;
  t.deepEqual(output, { applied: false, fixed: 0, files: [], tools: [] });
  t.is(await git(origin, "rev-parse", "as-is"), before, "no commit");
});

test("a branch that moved after the checks is not fixed: BRANCH_MOVED, nothing pushed over the new commit", async (t) => {
  const root = await tempDir("patchbay-autofix-moved-", (fn) => cleanups.push(fn));
  const { ports, analysis } = checkerPorts(join(root, "cache"));
  cleanups.push(() => analysis.close());
  const origin = join(root, "origin");
  await initRepo(origin, {
    "package.json": JSON.stringify({ name: "moved", type: "module" }),
    "src/clean.js": "export const one = 1;\n",
  });
  const checked = await branchWith(origin, "main", "moved", { "src/messy.js": MESSY });
  await git(origin, "checkout", "--quiet", "moved");
  await writeFile(join(origin, "src", "later.js"), "export const later = 2;\n");
  await git(origin, "add", "-A");
  await git(
    origin,
    "-c",
    "user.name=dev",
    "-c",
    "user.email=dev@example.com",
    "commit",
    "--quiet",
    "-m",
    "pushed after the checks",
  );
  const pushedLater = await git(origin, "rev-parse", "HEAD");
  await git(origin, "checkout", "--quiet", "main");
  const autofix = rawHandler(autofixBinding(ports));
  const err = await t.throwsAsync(
    autofix({ target: targetOf(origin, "moved", checked), timeout_ms: 60_000 }, taskContext("gate.autofix")),
  );
  t.like(err, { code: "BRANCH_MOVED", retryable: false });
  t.regex(
    err?.message ?? "",
    new RegExp(`moved from ${checked.slice(0, 8)} .* to ${pushedLater.slice(0, 8)}; nothing was pushed`),
  );
  t.is(await git(origin, "rev-parse", "moved"), pushedLater, "the branch is as its author left it");
});
