// Scenario: the generated repositories behind the quality-gate seed examples and the demo
// sample really have the figures their exported constants promise, measured with the real
// tools on real git repositories: branches, `npm ci`, node:test pass/fail counts, c8 line
// coverage, eslint (default rules) problems and what `--fix` leaves, security rule matches,
// benchmark figures on base and head, unittest counts and pyflakes findings for Python; and
// the committed `samples/` equal what the generator writes and materialize to the same commits.
import test from "ava";
import type { ExecutionContext } from "ava";
import { mkdtemp, readdir, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeFilesInThread } from "../infra/analysis/index.ts";
import { git } from "../services/demo/two-branch-repo.ts";
import type { SeedRepo } from "../services/demo/two-branch-repo.ts";
import { SEED_BASE, SEED_BENCH, SEED_BLOCK, SEED_PASS, makeNodeSeedRepo } from "./fixtures/repos/node-seed.ts";
import type { NodeSeedVariant } from "./fixtures/repos/node-seed.ts";
import { PYTHON_BASE, PYTHON_SEED, makePythonRepo } from "./fixtures/repos/python-seed.ts";
import { SAMPLES_DIR, materializeSample, readTree } from "../services/demo/samples.ts";
import { generatedSampleFiles } from "./fixtures/repos/write-samples.ts";
import {
  benchFigure,
  c8LineCoverage,
  findPyflakes,
  hasPython,
  lintFigures,
  npmCi,
  npmTestCounts,
  pyflakesMessages,
  unittestCounts,
} from "./fixtures/repos/measure.ts";

const root = await realpath(await mkdtemp(join(tmpdir(), "patchbay-sample-repos-")));
// Probed before any test is declared (ava wants declarations synchronous).
const pythonReady = await hasPython();
const pyflakes = pythonReady ? await findPyflakes() : null;
const pythonTest = pythonReady ? test : test.skip;
const pyflakesTest = pyflakes !== null ? test : test.skip;
test.after.always(async () => {
  await Promise.allSettled(started);
  await rm(root, { recursive: true, force: true });
});

/** A generated repository: `base` is the repo itself (main checked out), `head` a clone of the branch. */
interface Checkouts {
  repo: SeedRepo;
  base: string;
  head: string;
}

async function checkouts(name: string, make: (dir: string) => Promise<SeedRepo>): Promise<Checkouts> {
  const repo = await make(join(root, name));
  const head = join(root, `${name}-head`);
  await git(root, ["clone", "--quiet", "--branch", repo.branch, repo.dir, head]);
  return { repo, base: repo.dir, head };
}

async function nodeCheckouts(variant: NodeSeedVariant): Promise<Checkouts> {
  const made = await checkouts(variant, (dir) => makeNodeSeedRepo(dir, variant));
  await npmCi(made.base);
  await npmCi(made.head);
  return made;
}

/** Setups started so far; the temp dir is removed only once they have all settled. */
const started: Promise<unknown>[] = [];

/** Runs `setup` on first use only (so `--match` builds only what it needs). */
function once<T>(setup: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    if (made === undefined) {
      made = setup();
      started.push(made);
    }
    return made;
  };
}

const pass = once(() => nodeCheckouts("pass"));
const block = once(() => nodeCheckouts("block"));
const python = once(() => checkouts("python", makePythonRepo));

async function branches(dir: string): Promise<string[]> {
  return (await git(dir, ["branch", "--format=%(refname:short)"])).split("\n").sort();
}

async function assertBranches(t: ExecutionContext, made: Checkouts, branch: string): Promise<void> {
  t.deepEqual(made.repo, { dir: made.repo.dir, base: "main", branch });
  t.deepEqual(await branches(made.base), [branch, "main"].sort());
  t.is(await git(made.base, ["rev-parse", "--abbrev-ref", "HEAD"]), "main");
  t.is(await git(made.base, ["rev-list", "--count", `main..${branch}`]), "1");
  t.is(await git(made.base, ["status", "--porcelain"]), "");
}

async function securityMatches(dir: string): Promise<string[]> {
  const files = (await readdir(dir, { recursive: true })).filter(
    (p) => p.endsWith(".js") && !p.startsWith("node_modules"),
  );
  const analysed = await analyzeFilesInThread(dir, files);
  return analysed.flatMap((file) => file.matches.map((m) => `${m.rule}@${m.file}:${m.line}`));
}

test("node seed, pass: main and feature/add-notifications exist, main checked out", async (t) => {
  await assertBranches(t, await pass(), SEED_PASS.branch);
});

test("node seed, pass: 50/50 unit and 15/15 integration tests on the branch, main all green", async (t) => {
  const { base, head } = await pass();
  t.like(await npmTestCounts(head, "test:unit"), { pass: SEED_PASS.unit, fail: 0, code: 0 });
  t.like(await npmTestCounts(head, "test:integration"), { pass: SEED_PASS.integration, fail: 0, code: 0 });
  t.like(await npmTestCounts(base, "test:unit"), { pass: SEED_BASE.unit, fail: 0, code: 0 });
  t.like(await npmTestCounts(base, "test:integration"), { pass: SEED_BASE.integration, fail: 0, code: 0 });
});

test("node seed, pass: c8 line coverage of the unit tests is at least 88%", async (t) => {
  const pct = await c8LineCoverage((await pass()).head, "test:unit");
  t.log(`pass: line coverage ${pct}%`);
  t.true(pct >= SEED_PASS.minCoverage, `${pct}%`);
});

test("node seed, pass: exactly 3 lint problems on the branch, all fixable; main is clean", async (t) => {
  const { base, head } = await pass();
  const lint = await lintFigures(head);
  t.log(lint.where.join(", "));
  t.like(lint, { problems: SEED_PASS.lintFixable, fixable: SEED_PASS.lintFixable, afterFix: 0 });
  t.deepEqual([...new Set(lint.where.map((w) => w.split("@")[0]))].sort(), ["no-var", "prefer-const"]);
  t.like(await lintFigures(base), { problems: SEED_BASE.lint });
});

test("node seed, pass: no security findings; the benchmark figure is equal on main and the branch", async (t) => {
  const { base, head } = await pass();
  t.deepEqual(await securityMatches(head), []);
  t.deepEqual(await benchFigure(head), SEED_BENCH);
  t.deepEqual(await benchFigure(base), SEED_BENCH);
});

test("node seed, block: main and feature/new-api exist, main checked out", async (t) => {
  await assertBranches(t, await block(), SEED_BLOCK.branch);
});

test("node seed, block: 5 of 50 unit tests fail, 15/15 integration tests pass", async (t) => {
  const { base, head } = await block();
  const unit = await npmTestCounts(head, "test:unit");
  t.like(unit, { pass: SEED_BLOCK.unit - SEED_BLOCK.unitFailing, fail: SEED_BLOCK.unitFailing });
  t.not(unit.code, 0);
  t.like(await npmTestCounts(head, "test:integration"), { pass: SEED_BLOCK.integration, fail: 0, code: 0 });
  t.like(await npmTestCounts(base, "test:unit"), { pass: SEED_BASE.unit, fail: 0, code: 0 });
});

test("node seed, block: c8 line coverage of the unit tests is under 80%", async (t) => {
  const pct = await c8LineCoverage((await block()).head, "test:unit");
  t.log(`block: line coverage ${pct}%`);
  t.true(pct <= SEED_BLOCK.maxCoverage && pct >= SEED_BLOCK.minCoverage, `${pct}%`);
});

test("node seed, block: one SQL injection, only fixable lint, same benchmark figure", async (t) => {
  const { base, head } = await block();
  t.deepEqual(await securityMatches(head), ["sql-injection@src/users.js:9"]);
  t.like(await lintFigures(head), { problems: SEED_BLOCK.lintFixable, fixable: SEED_BLOCK.lintFixable, afterFix: 0 });
  t.deepEqual(await benchFigure(head), await benchFigure(base));
});

pythonTest(
  `python seed: unittest counts on main and ${PYTHON_SEED.branch}${pythonReady ? "" : " (skipped: no python3)"}`,
  async (t) => {
    const { base, head } = await python();
    t.deepEqual(await branches(base), [PYTHON_SEED.branch, "main"].sort());
    t.deepEqual(await unittestCounts(head), { ran: PYTHON_SEED.unit, failed: PYTHON_SEED.unitFailing });
    t.deepEqual(await unittestCounts(head, ["-s", "tests/integration"]), { ran: PYTHON_SEED.integration, failed: 0 });
    t.deepEqual(await unittestCounts(base), { ran: PYTHON_BASE.unit, failed: 0 });
    t.deepEqual(await unittestCounts(base, ["-s", "tests/integration"]), { ran: PYTHON_BASE.integration, failed: 0 });
  },
);

pyflakesTest(
  `python seed: one pyflakes finding on the branch, none on main${pyflakes !== null ? "" : " (skipped: pyflakes not installed)"}`,
  async (t) => {
    const { base, head } = await python();
    const messages = await pyflakesMessages(head, pyflakes ?? []);
    t.is(messages.length, PYTHON_SEED.pyflakes, messages.join("\n"));
    t.regex(messages[0], /pricing\.py:\d+:\d+:? 'math' imported but unused/);
    t.is((await pyflakesMessages(base, pyflakes ?? [])).length, PYTHON_BASE.pyflakes);
  },
);

test("samples: the committed files equal the generator's output, without a nested .git", async (t) => {
  const all = await readTree(SAMPLES_DIR);
  t.false(Object.keys(all).some((path) => path.split("/").includes(".git")));
  // api-service/ and model-scripts/ are written by hand (samples/README.md); the rest is generated.
  const committed = Object.fromEntries(Object.entries(all).filter(([path]) => path.startsWith("notifications")));
  t.deepEqual(Object.keys(committed).sort(), Object.keys(generatedSampleFiles()).sort());
  t.deepEqual(committed, generatedSampleFiles(), "run: node test/fixtures/repos/write-samples.ts");
});

test("samples: materializeSample gives the pass repository's exact commits", async (t) => {
  const sample = await materializeSample("notifications", join(root, "sample-notifications"));
  const { repo } = await pass();
  t.deepEqual({ base: sample.base, branch: sample.branch }, { base: "main", branch: SEED_PASS.branch });
  for (const ref of ["main", SEED_PASS.branch]) {
    t.is(await git(sample.dir, ["rev-parse", ref]), await git(repo.dir, ["rev-parse", ref]), ref);
  }
  await t.throwsAsync(materializeSample("../etc", join(root, "bad")), { message: /not a sample name/ });
  await t.throwsAsync(materializeSample("missing", join(root, "missing")), { message: /no manifest/ });
});
