// Scenario: the quality gate gives the verdict a maintainer would give on real repositories.
// Each corpus repository (test/corpus/manifest.json: npm tarballs and Debian packages pinned by
// digest, fetched and cached by the setup) is checked by the checker's runCheck on `main` and
// on `planted` (a one-line bug), and the gate's figures are held against the repository's own
// test run on this machine: the same test counts, coverage within 2 points, no High/Critical
// security finding, the repo's own linter's error count, a mergeable verdict from scoreGate on
// main, and a blocking one on the planted bug naming the failing test. The Python repos' own
// runs are re-measured here (seconds); CORPUS_REMEASURE=1 re-measures the Node ones too
// (an `npm install` each). CORPUS_REPOS=a,b runs a subset.
import test from "ava";
import type { ExecutionContext } from "ava";
import { join } from "node:path";
import { runCheck } from "../actors/checker/index.ts";
import type { CheckerPorts } from "../actors/checker/index.ts";
import type { CheckId, CheckOutcome, QualityGateResult } from "../protocol/quality-gate.ts";
import { scoreGate } from "../services/coordinator/internal.ts";
import { measure } from "./corpus/measure.ts";
import {
  buildOrigin,
  corpusCacheDir,
  loadCorpus,
  type CorpusAssertion,
  type CorpusOrigin,
  type CorpusRepo,
} from "./helpers/corpus.ts";
import { checkerPorts, targetOf, tempDir } from "./helpers/repos.ts";

const repos = await loadCorpus(process.env.CORPUS_REPOS);
/** The checks run on main: the required ones (unit, integration, security, coverage), lint and static analysis. */
const MAIN_CHECKS: CheckId[] = ["unit_tests", "integration_tests", "coverage", "security", "lint", "static_analysis"];
const REQUIRED_SCORE = 85;
const CHECK_TIMEOUT_MS = 300_000;

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

let root: string;
let ports: CheckerPorts;
test.before(async () => {
  root = await tempDir("patchbay-corpus-", (fn) => cleanups.push(fn));
  const made = checkerPorts(join(root, "workspaces"));
  cleanups.push(() => made.analysis.close());
  // As deployed (services/role-ports.ts): one npm cache for the machine's checks, kept across runs here.
  ports = { ...made.ports, packageCache: join(corpusCacheDir(), "npm-cache") };
});

const origins = new Map<string, Promise<CorpusOrigin>>();
const outcomes = new Map<string, Promise<CheckOutcome>>();

function originOf(repo: CorpusRepo): Promise<CorpusOrigin> {
  if (!origins.has(repo.name)) origins.set(repo.name, buildOrigin(repo, join(root, "origins", repo.name)));
  return origins.get(repo.name) as Promise<CorpusOrigin>;
}

/** Coverage the gate must reach: the own run's figure less the 2 points allowed, at most 80. */
function requiredCoverage(repo: CorpusRepo): number {
  return Math.min(80, Math.floor(repo.own_run.coverage - 2));
}

/** One check on main or planted, run once per repo and reused by the tests that read it. */
function outcomeOf(repo: CorpusRepo, id: CheckId, branch: "main" | "planted"): Promise<CheckOutcome> {
  const key = `${repo.name}/${branch}/${id}`;
  if (!outcomes.has(key)) {
    const run = async (): Promise<CheckOutcome> => {
      const origin = await originOf(repo);
      const target = targetOf(origin.dir, branch, origin[branch], origin.main);
      const input = { check: id, target, required_coverage: requiredCoverage(repo), timeout_ms: CHECK_TIMEOUT_MS };
      return runCheck(ports, input);
    };
    outcomes.set(key, run());
  }
  return outcomes.get(key) as Promise<CheckOutcome>;
}

async function checked(t: ExecutionContext, repo: CorpusRepo, id: CheckId, branch: "main" | "planted") {
  t.timeout(20 * 60_000);
  const outcome = await outcomeOf(repo, id, branch);
  const issues = outcome.issues.slice(0, 5).map((i) => `${i.severity}: ${i.message}`);
  t.log(`${id} on ${branch}: ${outcome.status}: ${outcome.summary} ${JSON.stringify(outcome.metrics)}`);
  if (issues.length > 0) t.log(`  issues: ${issues.join(" | ")}`);
  return outcome;
}

/**
 * scoreGate over the main checks; for the planted branch only unit tests are run again (the
 * one-line bug changes what the tests say, and every other check of main costs an install).
 */
async function gateOf(
  t: ExecutionContext,
  repo: CorpusRepo,
  unitBranch: "main" | "planted",
): Promise<QualityGateResult> {
  const origin = await originOf(repo);
  const list: CheckOutcome[] = [];
  for (const id of MAIN_CHECKS) list.push(await checked(t, repo, id, id === "unit_tests" ? unitBranch : "main"));
  const target = targetOf(origin.dir, unitBranch, origin[unitBranch], origin.main);
  const result = scoreGate({
    target,
    outcomes: list,
    required_score: REQUIRED_SCORE,
    required_coverage: requiredCoverage(repo),
  });
  t.log(`gate: can_merge ${result.can_merge}, overall ${result.overall_score}; ${result.blocking_issues.join(" | ")}`);
  return result;
}

const names = (failing: string[]): string => failing.map((name) => JSON.stringify(name)).join(" or ");

/** A test of one assertion on `repo`: `failing` (with the gap in its title) when the manifest lists it as a known gap. */
function declare(
  repo: CorpusRepo,
  assertion: CorpusAssertion,
  title: string,
  body: (t: ExecutionContext) => Promise<void>,
) {
  const gap = repo.known_gaps?.[assertion];
  if (gap === undefined) test.serial(`${repo.name}: ${title}`, body);
  else test.serial.failing(`${repo.name}: ${title} (known gap: ${gap})`, body);
}

for (const repo of repos) {
  const own = repo.own_run;
  // Re-measured here when the own run needs no install (the Python ones: seconds).
  const installs = own.install !== undefined || repo.source.kind === "npm";
  const remeasure = !installs || process.env.CORPUS_REMEASURE === "1";

  if (remeasure) {
    test.serial(`${repo.name}: the own run on this machine still gives the manifest's figures`, async (t) => {
      t.timeout(20 * 60_000);
      const got = await measure(repo);
      t.deepEqual(got.tests, own.tests, own.command);
      t.true(Math.abs((got.coverage ?? -100) - own.coverage) <= 0.5, `coverage ${got.coverage} vs ${own.coverage}`);
      t.deepEqual(got.planted, repo.planted.tests);
      // In any order: runners with parallel workers (jest) finish their files in any order.
      t.deepEqual(
        got.planted_failures.filter((n) => repo.planted.failing_tests.includes(n)).sort(),
        [...repo.planted.failing_tests].sort(),
      );
    });
  }

  declare(repo, "unit", `unit tests give the own run's counts (${own.command})`, async (t) => {
    const outcome = await checked(t, repo, "unit_tests", "main");
    t.like(outcome.metrics, own.tests);
    t.is(outcome.status, "passed");
  });

  declare(repo, "coverage", `coverage is within 2 points of the own run's ${own.coverage}%`, async (t) => {
    const outcome = await checked(t, repo, "coverage", "main");
    t.is(outcome.status, "passed", outcome.skip_reason ?? outcome.summary);
    const coverage = outcome.metrics.coverage;
    t.true(coverage !== undefined && Math.abs(coverage - own.coverage) <= 2, `gate ${coverage}, own ${own.coverage}`);
  });

  declare(repo, "security", "security finds nothing High or Critical", async (t) => {
    const outcome = await checked(t, repo, "security", "main");
    const serious = outcome.issues.filter((i) => i.severity === "critical" || i.severity === "high");
    t.deepEqual(
      serious.map((i) => `${i.severity}: ${i.message} ${i.file ?? ""}:${i.line ?? ""}`),
      [],
    );
    t.is(outcome.status, "passed");
  });

  const ownLint = own.lint;
  // A repository that declares no linter has no figure to hold the gate's against.
  if (ownLint !== undefined)
    declare(repo, "lint", "lint gives the repo's own linter's errors", async (t) => {
      const outcome = await checked(t, repo, "lint", "main");
      // The gate fails lint exactly when the repo's own linter reports errors (six's flake8 does).
      t.is(outcome.status, ownLint.errors === 0 ? "passed" : "failed", outcome.skip_reason ?? outcome.summary);
      t.is(outcome.metrics.errors, ownLint.errors, ownLint.command);
    });

  declare(repo, "merge", "the gate on main can merge, as its maintainer would", async (t) => {
    const result = await gateOf(t, repo, "main");
    t.deepEqual(result.blocking_issues, []);
    t.true(result.can_merge, `overall ${result.overall_score}`);
  });

  declare(repo, "planted", `the planted bug blocks, naming ${names(repo.planted.failing_tests)}`, async (t) => {
    const outcome = await checked(t, repo, "unit_tests", "planted");
    t.like(outcome.metrics, repo.planted.tests);
    const named = outcome.issues.filter((i) => repo.planted.failing_tests.some((name) => i.message.includes(name)));
    t.true(named.length > 0, "an issue names a failing test");
    const result = await gateOf(t, repo, "planted");
    t.false(result.can_merge);
    t.true(result.blocking_issues.some((line) => line.startsWith("[Unit Tests]")));
  });
}
