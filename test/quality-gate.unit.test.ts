// Proves the quality-gate decider and its scoring with no server: resolve → eight checks in
// parallel → auto-fix and a lint re-check when lint has fixable findings → PR report →
// QualityGateResult; seed example 2's outcomes give exactly its three blocking issues; a
// repo or branch that does not exist fails the workflow at the first step; a check whose
// task failed, or whose output its contract refuses, is reported as failed, never scored by
// default; skipped checks are left out. Written on the workflow-spec kit (a decider alone).
import test from "ava";
import {
  CHECK_IDS,
  CHECK_NAMES,
  GateTasks,
  type CheckId,
  type CheckOutcome,
  type QualityGateResult,
} from "../protocol/quality-gate.ts";
import { dispatch, qualityGate, scoreGate, type Command } from "../services/coordinator/internal.ts";
import { SPEC_ID, started, taskCompleted, taskFailed, workflowSpec } from "./helpers/workflow-spec.ts";

const gate = () => workflowSpec(qualityGate, { id: SPEC_ID });
const target = {
  repo: "/repos/app",
  branch: "feature/x",
  head_sha: "aaa",
  base: "main",
  base_sha: "bbb",
  pr_number: 123,
  pr_url: "http://gw/pulls/123",
};
const start = started({ repo: "/repos/app", pr_number: 123 });
const resolved = taskCompleted(GateTasks.resolve, "resolve", target);

function outcome(id: CheckId, over: Partial<CheckOutcome> = {}): CheckOutcome {
  const status = over.status ?? (over.skipped ? "unavailable" : over.passed === false ? "failed" : "passed");
  return {
    id,
    name: CHECK_NAMES[id],
    status,
    passed: true,
    skipped: false,
    score: 100,
    issues: [],
    summary: "ok",
    metrics: {},
    duration_ms: 10,
    started_at: 1,
    finished_at: 11,
    runner: "host:1",
    ...over,
  };
}

const seed1 = (): CheckOutcome[] => [
  outcome("unit_tests", { metrics: { passed: 50, failed: 0, total: 50 } }),
  outcome("integration_tests", { metrics: { passed: 15, failed: 0, total: 15 } }),
  outcome("lint", {
    passed: false,
    score: 85,
    metrics: { errors: 3, warnings: 0, fixable: 3 },
    summary: "3 problems (3 fixable)",
  }),
  outcome("security"),
  outcome("coverage", { score: 88.5, metrics: { coverage: 88.5, required: 80 } }),
  outcome("performance"),
  outcome("dependencies"),
  outcome("static_analysis", { score: 94 }),
];

const seed2 = (): CheckOutcome[] => [
  outcome("unit_tests", { passed: false, score: 90, metrics: { passed: 45, failed: 5, total: 50 } }),
  outcome("integration_tests", { metrics: { passed: 15, failed: 0, total: 15 } }),
  outcome("lint"),
  outcome("security", {
    passed: false,
    score: 60,
    issues: [{ severity: "critical", message: "SQL injection vulnerability", file: "src/users.js", line: 12 }],
  }),
  outcome("coverage", { passed: false, score: 72, metrics: { coverage: 72, required: 80 } }),
  outcome("performance"),
  outcome("dependencies"),
  outcome("static_analysis"),
];

const results = (outcomes: CheckOutcome[]) => outcomes.map((o) => taskCompleted(GateTasks.check, `check-${o.id}`, o));
/** The dispatches among `commands` as `[role, kind, task_id]`. */
const dispatched = (commands: Command[]) =>
  commands.flatMap((c) => (c.type === "dispatch" ? [[c.role, c.kind, c.task_id]] : []));
/** The result of the `complete` command among `commands`. */
const completion = (commands: Command[]) =>
  commands.find((c): c is Extract<Command, { type: "complete" }> => c.type === "complete")?.result as
    QualityGateResult | undefined;

test("resolve first, then the eight checks in parallel on the checker role", (t) => {
  t.notThrows(() =>
    gate()
      .given([])
      .when(start)
      .then([dispatch(GateTasks.resolve, "resolve", { repo: "/repos/app", pr_number: 123 }, { timeout_ms: 120_000 })]),
  );
  gate()
    .given([start])
    .when(resolved)
    .then((commands) => {
      t.deepEqual(
        dispatched(commands).map(([, , id]) => id),
        CHECK_IDS.map((id) => `check-${id}`),
      );
      t.true(dispatched(commands).every(([role, kind]) => role === "checker" && kind === "check.run"));
    });
});

test("seed 1: fixable lint → auto-fix → lint re-checked on the fix commit → report → can_merge", (t) => {
  const fixedAt = { applied: true, commit_sha: "fff", fixed: 3, files: ["src/a.js"], tools: ["eslint"] };
  const checks = results(seed1());
  gate()
    .given([start, resolved, ...checks.slice(0, -1)])
    .when(checks.at(-1)!)
    .then((commands) => {
      t.deepEqual(
        dispatched(commands)
          .filter(([role]) => role === "coder")
          .map(([, kind, id]) => [kind, id]),
        [["gate.autofix", "autofix"]],
      );
      t.false(
        dispatched(commands).some(([, kind]) => kind === "gate.report"),
        "no report before the re-check",
      );
    });
  const fixed = taskCompleted(GateTasks.autofix, "autofix", fixedAt);
  gate()
    .given([start, resolved, ...checks])
    .when(fixed)
    .then((commands) => {
      const recheck = commands.find((c) => c.type === "dispatch" && c.task_id === "check-lint-2");
      t.is(
        (recheck?.type === "dispatch" ? (recheck.input as { target: { head_sha: string } }) : undefined)?.target
          .head_sha,
        "fff",
      );
    });
  const lintOk = outcome("lint", { metrics: { errors: 0, warnings: 0, fixable: 0 } });
  const rechecked = taskCompleted(GateTasks.check, "check-lint-2", lintOk);
  gate()
    .given([start, resolved, ...checks, fixed])
    .when(rechecked)
    .then((commands) => {
      t.true(dispatched(commands).some(([, kind]) => kind === "gate.report"));
    });
  gate()
    .given([start, resolved, ...checks, fixed, rechecked])
    .when(taskCompleted(GateTasks.report, "report", { reported: true }))
    .then((commands) => {
      const r = completion(commands);
      t.deepEqual(
        commands.map((c) => c.type),
        ["complete"],
        "the gate completes",
      );
      t.true(!!r && r.can_merge && r.all_checks_passed && r.required_checks_passed && r.auto_fixes_applied);
      t.deepEqual(r?.blocking_issues, []);
      t.is(r?.checks.length, 8);
      t.is(r?.head_sha, "fff");
      t.regex(r?.checks.find((c) => c.id === "lint")?.summary ?? "", /after auto-fix fff: 3 fixed/);
      t.true((r?.overall_score ?? 0) >= 85);
    });
});

test("seed 2: exactly three blocking issues in the seed's form, can_merge false", (t) => {
  const r = scoreGate({ target, outcomes: seed2(), required_score: 85, required_coverage: 80 });
  t.deepEqual(r.blocking_issues, [
    "[Unit Tests] 5 test failures",
    "[Security Scan] Critical: SQL injection vulnerability",
    "[Code Coverage] Coverage 72% < required 80%",
  ]);
  t.false(r.can_merge);
  t.false(r.required_checks_passed);
});

test("a branch gate without a PR completes without a report task", (t) => {
  const branchStart = started({ repo: "/repos/app", branch: "feature/x", attempt_auto_fix: false });
  const plain = { ...target, pr_number: undefined, pr_url: undefined };
  const checks = results(seed2());
  gate()
    .given([branchStart, taskCompleted(GateTasks.resolve, "resolve", plain), ...checks.slice(0, 7)])
    .when(checks[7])
    .then((commands) => {
      t.deepEqual(
        commands.map((c) => c.type),
        ["complete"],
        "completed",
      );
      t.deepEqual(dispatched(commands), []);
      t.is(completion(commands)?.pr_number, null);
    });
});

test("a repo or branch that does not exist fails the gate at its first step", (t) => {
  const error = { code: "BRANCH_NOT_FOUND", message: "no branch feature/x" };
  t.notThrows(() =>
    gate()
      .given([start])
      .when(taskFailed(GateTasks.resolve, "resolve", error))
      .then([{ type: "fail", error }]),
  );
});

/** A branch gate (no auto-fix) with every check of seed 1 back except `missing`. */
function allButOne(missing: CheckId) {
  const branchResolved = taskCompleted(GateTasks.resolve, "resolve", { ...target, pr_number: undefined });
  const others = seed1().filter((o) => o.id !== missing);
  return gate().given([
    started({ repo: "/r", branch: "b", attempt_auto_fix: false }),
    branchResolved,
    ...results(others),
  ]);
}

test("a check whose task failed is unavailable with the reason, not a pass", (t) => {
  allButOne("unit_tests")
    .when(taskFailed(GateTasks.check, "check-unit_tests", { code: "TASK_TIMEOUT", message: "timed out" }))
    .then((commands) => {
      const r = completion(commands);
      const unit = r?.checks.find((c) => c.id === "unit_tests");
      t.false(unit?.passed);
      t.is(unit?.status, "unavailable");
      t.regex(unit?.issues[0]?.message ?? "", /TASK_TIMEOUT/);
      t.false(r?.can_merge);
      t.deepEqual(r?.blocking_issues, ["[Unit Tests] could not run: TASK_TIMEOUT timed out"]);
    });
});

test("a check output its contract refuses is a failed check (INVALID_OUTPUT), never scored as passed", (t) => {
  const broken = { ...outcome("lint"), score: "high" } as unknown as CheckOutcome;
  allButOne("lint")
    .when(taskCompleted(GateTasks.check, "check-lint", broken))
    .then((commands) => {
      const lint = completion(commands)?.checks.find((c) => c.id === "lint");
      t.false(lint?.passed);
      t.regex(lint?.issues[0]?.message ?? "", /INVALID_OUTPUT checker\/check.run output.score/);
    });
});

test("checks that do not apply are left out of the weights and never required", (t) => {
  const outcomes = seed1().map((o) =>
    o.id === "integration_tests" || o.id === "performance"
      ? { ...o, status: "not_applicable" as const, skipped: true, passed: false, score: 0 }
      : o,
  );
  const r = scoreGate({ target, outcomes, required_score: 85, required_coverage: 80 });
  t.false(r.checks.find((c) => c.id === "integration_tests")?.required);
  const withoutSkipped = scoreGate({
    target,
    outcomes: outcomes.filter((o) => !o.skipped),
    required_score: 85,
    required_coverage: 80,
  });
  t.is(r.overall_score, withoutSkipped.overall_score);
  t.true(r.required_checks_passed);
});

test("a required check that could not run blocks can_merge with its reason; an optional one does not count", (t) => {
  const reason = "no python3 with coverage (/usr/bin/python3 3.11.2: none)";
  const outcomes = seed1().map((o) =>
    o.id === "coverage" || o.id === "performance"
      ? { ...o, status: "unavailable" as const, skipped: true, skip_reason: reason, passed: false, score: 0 }
      : o,
  );
  const r = scoreGate({ target, outcomes, required_score: 0, required_coverage: 80 });
  t.true(r.checks.find((c) => c.id === "coverage")?.required);
  t.false(r.can_merge);
  t.false(r.all_checks_passed);
  t.deepEqual(r.blocking_issues, [`[Code Coverage] could not run: ${reason}`]);
});

test("a checks subset leaves required checks not run: listed, blocking, never can_merge", (t) => {
  const outcomes = seed1().filter((o) => o.id === "lint" || o.id === "unit_tests");
  const r = scoreGate({ target, outcomes, required_score: 0, required_coverage: 80 });
  t.deepEqual(r.required_not_run, ["integration_tests", "security", "coverage"]);
  t.false(r.can_merge);
  t.is(r.blocking_issues.filter((line) => /required check not run/.test(line)).length, 3);
});

test("weights and required checks come from the repository's gate config", (t) => {
  const outcomes = seed2();
  const custom = { ...target, config: { required: ["unit_tests" as const], weights: { unit_tests: 100 } } };
  const r = scoreGate({ target: custom, outcomes, required_score: 50, required_coverage: 80 });
  t.deepEqual(r.blocking_issues, ["[Unit Tests] 5 test failures"]);
  t.true(r.overall_score > 85, "unit tests dominate the score");
});
