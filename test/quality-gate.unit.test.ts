// Proves the quality-gate decider and its scoring with no server: resolve → eight checks in
// parallel → auto-fix and a lint re-check when lint has fixable findings → PR report →
// QualityGateResult; seed example 2's outcomes give exactly its three blocking issues; a
// repo or branch that does not exist fails the workflow at the first step; a check whose
// task failed is reported as failed, never scored by default; skipped checks are left out.
import test from "ava";
import { WorkflowRegistry, builtinWorkflows } from "../services/coordinator/index.ts";
import { scoreGate } from "../services/coordinator/workflows/quality-gate-scoring.ts";
import { CHECK_IDS, CHECK_NAMES, type CheckId, type CheckOutcome, type QualityGateResult } from "../protocol/quality-gate.ts";
import { completed, failed, spec, started, tasksIn } from "./helpers/spec.ts";

const registry = new WorkflowRegistry(builtinWorkflows);
const target = { repo: "/repos/app", branch: "feature/x", head_sha: "aaa", base: "main", base_sha: "bbb", pr_number: 123, pr_url: "http://gw/pulls/123" };
const start = started("quality-gate", { repo: "/repos/app", pr_number: 123 });

function outcome(id: CheckId, over: Partial<CheckOutcome> = {}): CheckOutcome {
  return {
    id, name: CHECK_NAMES[id], passed: true, skipped: false, score: 100, issues: [], summary: "ok", metrics: {},
    duration_ms: 10, started_at: 1, finished_at: 11, runner: "host:1", ...over,
  };
}

const seed1 = (): CheckOutcome[] => [
  outcome("unit_tests", { metrics: { passed: 50, failed: 0, total: 50 } }),
  outcome("integration_tests", { metrics: { passed: 15, failed: 0, total: 15 } }),
  outcome("lint", { passed: false, score: 85, metrics: { errors: 3, warnings: 0, fixable: 3 }, summary: "3 problems (3 fixable)" }),
  outcome("security"), outcome("coverage", { score: 88.5, metrics: { coverage: 88.5, required: 80 } }),
  outcome("performance"), outcome("dependencies"), outcome("static_analysis", { score: 94 }),
];

const seed2 = (): CheckOutcome[] => [
  outcome("unit_tests", { passed: false, score: 90, metrics: { passed: 45, failed: 5, total: 50 } }),
  outcome("integration_tests", { metrics: { passed: 15, failed: 0, total: 15 } }),
  outcome("lint"),
  outcome("security", { passed: false, score: 60, issues: [{ severity: "critical", message: "SQL injection vulnerability", file: "src/users.js", line: 12 }] }),
  outcome("coverage", { passed: false, score: 72, metrics: { coverage: 72, required: 80 } }),
  outcome("performance"), outcome("dependencies"), outcome("static_analysis"),
];

const results = (outcomes: CheckOutcome[]) => outcomes.map((o) => completed(`check-${o.id}`, o));

test("resolve first, then the eight checks in parallel on the checker role", (t) => {
  const g = spec(registry).given([]);
  g.when(start).then(({ outbox }) => t.deepEqual(tasksIn(outbox).map((m) => [m.role, m.kind, m.task_id]), [["merger", "gate.resolve", "resolve"]]));
  spec(registry).given([start]).when(completed("resolve", target)).then(({ outbox }) => {
    const tasks = tasksIn(outbox);
    t.deepEqual(tasks.map((m) => m.task_id), CHECK_IDS.map((id) => `check-${id}`));
    t.true(tasks.every((m) => m.role === "checker" && m.kind === "check.run"));
  });
});

test("seed 1: fixable lint → auto-fix → lint re-checked on the fix commit → report → can_merge", (t) => {
  const fixedAt = { applied: true, commit_sha: "fff", fixed: 3, files: ["src/a.js"], tools: ["eslint"] };
  const g = spec(registry).given([start, completed("resolve", target), ...results(seed1())]);
  t.deepEqual(tasksIn(g.published).filter((m) => m.role === "coder").map((m) => [m.kind, m.task_id]), [["gate.autofix", "autofix"]]);
  t.false(tasksIn(g.published).some((m) => m.kind === "gate.report"), "no report before the re-check");
  const g2 = spec(registry).given([start, completed("resolve", target), ...results(seed1()), completed("autofix", fixedAt)]);
  const recheck = tasksIn(g2.published).filter((m) => m.task_id === "check-lint-2");
  t.is((recheck[0]?.input as { target: { head_sha: string } }).target.head_sha, "fff");
  const lintOk = outcome("lint", { metrics: { errors: 0, warnings: 0, fixable: 0 } });
  const g3 = spec(registry).given([start, completed("resolve", target), ...results(seed1()), completed("autofix", fixedAt), completed("check-lint-2", lintOk)]);
  t.true(tasksIn(g3.published).some((m) => m.kind === "gate.report"));
  g3.when(completed("report", { ok: true })).then(({ record }) => {
    const r = record.result as QualityGateResult;
    t.is(record.status, "completed");
    t.true(r.can_merge && r.all_checks_passed && r.required_checks_passed && r.auto_fixes_applied);
    t.deepEqual(r.blocking_issues, []);
    t.is(r.checks.length, 8);
    t.is(r.head_sha, "fff");
    t.regex(r.checks.find((c) => c.id === "lint")?.summary ?? "", /after auto-fix fff: 3 fixed/);
    t.true(r.overall_score >= 85);
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
  const branchStart = started("quality-gate", { repo: "/repos/app", branch: "feature/x", attempt_auto_fix: false });
  const plain = { ...target, pr_number: undefined, pr_url: undefined };
  spec(registry).given([branchStart, completed("resolve", plain), ...results(seed2()).slice(0, 7)]).when(results(seed2())[7]).then(({ record, outbox }) => {
    t.is(record.status, "completed");
    t.deepEqual(tasksIn(outbox), []);
    t.is((record.result as QualityGateResult).pr_number, null);
  });
});

test("a repo or branch that does not exist fails the gate at its first step", (t) => {
  spec(registry).given([start]).when(failed("resolve", { code: "BRANCH_NOT_FOUND", message: "no branch feature/x" })).then(({ record, outbox }) => {
    t.is(record.status, "failed");
    t.is(record.error?.code, "BRANCH_NOT_FOUND");
    t.deepEqual(tasksIn(outbox), []);
  });
});

test("a check whose task failed is a failed check with the reason, not a pass", (t) => {
  const outcomes = seed1().filter((o) => o.id !== "unit_tests");
  const g = spec(registry).given([started("quality-gate", { repo: "/r", branch: "b", attempt_auto_fix: false }), completed("resolve", { ...target, pr_number: undefined }), ...results(outcomes)]);
  g.when(failed("check-unit_tests", { code: "TASK_TIMEOUT", message: "timed out" })).then(({ record }) => {
    const r = record.result as QualityGateResult;
    const unit = r.checks.find((c) => c.id === "unit_tests");
    t.false(unit?.passed);
    t.regex(unit?.issues[0]?.message ?? "", /TASK_TIMEOUT/);
    t.false(r.can_merge);
    t.deepEqual(r.blocking_issues, ["[Unit Tests] could not run (TASK_TIMEOUT)"]);
  });
});

test("skipped checks are left out of the weights and never required", (t) => {
  const outcomes = seed1().map((o) => (o.id === "integration_tests" || o.id === "performance" ? { ...o, skipped: true, passed: false, score: 0 } : o));
  const r = scoreGate({ target, outcomes, required_score: 85, required_coverage: 80 });
  t.false(r.checks.find((c) => c.id === "integration_tests")?.required);
  const withoutSkipped = scoreGate({ target, outcomes: outcomes.filter((o) => !o.skipped), required_score: 85, required_coverage: 80 });
  t.is(r.overall_score, withoutSkipped.overall_score);
  t.true(r.required_checks_passed);
});

test("weights and required checks come from the repository's gate config", (t) => {
  const outcomes = seed2();
  const custom = { ...target, config: { required: ["unit_tests" as const], weights: { unit_tests: 100 } } };
  const r = scoreGate({ target: custom, outcomes, required_score: 50, required_coverage: 80 });
  t.deepEqual(r.blocking_issues, ["[Unit Tests] 5 test failures"]);
  t.true(r.overall_score > 85, "unit tests dominate the score");
});
