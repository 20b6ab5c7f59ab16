// code-migration's decider on the workflow-spec kit (no server): the order of analysis, plan,
// steps and validations; a non-incremental migration validated once at the end; a step that
// fails before its commit (only the completed steps are reverted, nothing is replaced); a
// failed validation (its commit is replaced by the first revert); auto_rollback off (no
// revert); a revert that fails (the rollback stops and says so); a plan that cannot run.
import test from "ava";
import type { Command } from "../services/coordinator/index.ts";
import {
  MigrationTasks,
  type AnalysisReport,
  type MigrationResult,
  type StepOutput,
} from "../protocol/code-migration.ts";
import { CHECK_NAMES, GateTasks, type CheckOutcome } from "../protocol/quality-gate.ts";
import { codeMigration } from "../services/coordinator/internal.ts";
import { started, taskCompleted, taskFailed, workflowSpec, type SpecEvent } from "./helpers/workflow-spec.ts";

const INPUT = {
  repo: "/srv/app",
  migration_type: "custom",
  source_version: "1",
  target_version: "2",
  plan: { name: "p", steps: ["a", "b", "c"].map((id) => ({ id, title: `step ${id}`, codemods: [`mod-${id}`] })) },
};
const ANALYSIS: AnalysisReport = {
  base_sha: "base",
  base_tree: "tree0",
  files_scanned: 3,
  framework_files: [],
  uses: [],
  uses_total: 0,
  by_api: {},
  test_command: "npm test",
  package_manager: "npm",
  duration_ms: 5,
  artifact: "reports/wf-spec/1/analysis.json",
};
const PLAN = { ...INPUT.plan, steps: INPUT.plan.steps.map((s) => ({ ...s, validate: true })) };
const stepOut = (id: string, parent: string): StepOutput => ({
  step_id: id,
  commit_sha: `sha-${id}`,
  parent_sha: parent,
  files_changed: [`${id}.js`],
  changes: { [`mod-${id}`]: 1 },
  leftovers: [],
  empty: false,
});
const outcome = (status: "passed" | "failed"): CheckOutcome => ({
  id: "unit_tests",
  name: CHECK_NAMES.unit_tests,
  status,
  passed: status === "passed",
  skipped: false,
  score: status === "passed" ? 100 : 50,
  issues: [],
  summary: status === "passed" ? "2/2 passed" : "1/2 passed, 1 failed",
  metrics: {},
  duration_ms: 1,
  started_at: 0,
  finished_at: 1,
  runner: "spec",
});
const BEGIN: SpecEvent[] = [
  started(INPUT),
  taskCompleted(MigrationTasks.analyze, "analyze", ANALYSIS),
  taskCompleted(MigrationTasks.plan, "plan", PLAN),
];
const stepDone = (id: string, parent: string) => taskCompleted(MigrationTasks.step, `step-${id}`, stepOut(id, parent));
const validated = (id: string, status: "passed" | "failed" = "passed") =>
  taskCompleted(GateTasks.check, `validate-${id}`, outcome(status));
const compiled = (id: string, passed = true) =>
  taskCompleted(MigrationTasks.compile, `compile-${id}`, {
    declared: true,
    command: "tsc --noEmit",
    passed,
    exit_code: passed ? 0 : 2,
    tail: passed ? "" : "src/a.ts(1,1): error TS2304",
  });
const spec = () => workflowSpec(codeMigration);
const kinds = (commands: Command[]) => commands.map((c) => (c.type === "dispatch" ? `${c.task_id}` : c.type));
const inputOf = (c: Command | undefined) => (c?.type === "dispatch" ? (c.input as Record<string, unknown>) : {});

test("analysis, plan, then each step from the previous one's commit, validated before the next", (t) => {
  spec()
    .given([started(INPUT)])
    .when(taskCompleted(MigrationTasks.analyze, "analyze", ANALYSIS))
    .then((c) => {
      t.deepEqual(kinds(c), ["plan"]);
      t.like(inputOf(c[0]), { migration_type: "custom", plan: PLAN });
    });
  spec()
    .given(BEGIN.slice(0, 2))
    .when(BEGIN[2])
    .then((c) => {
      t.deepEqual(kinds(c), ["step-a"]);
      t.like(inputOf(c[0]), { parent_sha: "base", branch: "patchbay/migrate-wf-spec", index: 1, total: 3 });
    });
  spec()
    .given(BEGIN)
    .when(stepDone("a", "base"))
    .then((c) => {
      t.deepEqual(kinds(c), ["validate-a"]);
      t.like(inputOf(c[0]), { check: "unit_tests", target: { head_sha: "sha-a", branch: "patchbay/migrate-wf-spec" } });
    });
  spec()
    .given([...BEGIN, stepDone("a", "base")])
    .when(validated("a"))
    .then((c) => {
      t.deepEqual(kinds(c), ["compile-a"]);
      t.like(inputOf(c[0]), { head_sha: "sha-a", branch: "patchbay/migrate-wf-spec" });
    });
  spec()
    .given([...BEGIN, stepDone("a", "base"), validated("a")])
    .when(compiled("a"))
    .then((c) => {
      t.deepEqual(kinds(c), ["step-b"]);
      t.like(inputOf(c[0]), { parent_sha: "sha-a", index: 2 });
    });
});

test("all steps validated: a PR with the report, then the result", (t) => {
  const done = [
    ...BEGIN,
    stepDone("a", "base"),
    validated("a"),
    compiled("a"),
    stepDone("b", "sha-a"),
    validated("b"),
    compiled("b"),
    stepDone("c", "sha-b"),
  ];
  spec()
    .given([...done, validated("c")])
    .when(compiled("c"))
    .then((c) => {
      t.deepEqual(kinds(c), ["open-pr"]);
      t.regex(
        String(inputOf(c[0]).body),
        /\| 3 \| `c` step c \| 1 \| mod-c 1 \| 0 \| 2\/2 passed; tsc --noEmit passed \|/,
      );
    });
  const all = [...done, validated("c"), compiled("c")];
  spec()
    .given(all)
    .when(taskCompleted(MigrationTasks.openPr, "open-pr", { number: 1, url: "http://pr/1" }))
    .then((c) => {
      const result = (c[0] as { result: MigrationResult }).result;
      t.like(result, {
        completed_steps: 3,
        failed_steps: 0,
        final_pr_url: "http://pr/1",
        rollback_performed: false,
        tree_restored: null,
      });
    });
});

test("not incremental: the steps follow each other, one validation at the end", (t) => {
  const begin = [started({ ...INPUT, incremental: false }), ...BEGIN.slice(1)];
  spec()
    .given(begin)
    .when(stepDone("a", "base"))
    .then((c) => t.like(inputOf(c[0]), { parent_sha: "sha-a" }));
  const steps = [...begin, stepDone("a", "base"), stepDone("b", "sha-a")];
  spec()
    .given(steps)
    .when(stepDone("c", "sha-b"))
    .then((c) => {
      t.deepEqual(kinds(c), ["validate-final"]);
      t.like(inputOf(c[0]), { target: { head_sha: "sha-c" } });
    });
  spec()
    .given([...steps, stepDone("c", "sha-b")])
    .when(validated("final", "failed"))
    .then((c) => {
      t.deepEqual(kinds(c), ["revert-c"]);
      t.deepEqual(inputOf(c[0]).replaces, undefined, "the final validation's commit is a completed step, reverted");
    });
});

test("a failed validation: the completed steps reverted last first, the failed commit replaced, then the end", (t) => {
  const ran = [
    ...BEGIN,
    stepDone("a", "base"),
    validated("a"),
    compiled("a"),
    stepDone("b", "sha-a"),
    validated("b"),
    compiled("b"),
    stepDone("c", "sha-b"),
  ];
  spec()
    .given(ran)
    .when(validated("c", "failed"))
    .then((c) => {
      t.deepEqual(kinds(c), ["revert-b"]);
      t.like(inputOf(c[0]), { commit_sha: "sha-b", onto: "sha-b", replaces: "sha-c" });
    });
  const reverting = [
    ...ran,
    validated("c", "failed"),
    taskCompleted(MigrationTasks.revert, "revert-b", { revert_sha: "r-b", tree: "tree-a" }),
  ];
  spec()
    .given(reverting.slice(0, -1))
    .when(reverting.at(-1) as SpecEvent)
    .then((c) => {
      t.deepEqual(kinds(c), ["revert-a"]);
      t.like(inputOf(c[0]), { commit_sha: "sha-a", onto: "r-b", replaces: undefined });
    });
  spec()
    .given(reverting)
    .when(taskCompleted(MigrationTasks.revert, "revert-a", { revert_sha: "r-a", tree: "tree0" }))
    .then((c) => {
      t.is(c.length, 1);
      const end = c[0] as { type: string; error: { code: string; message: string }; result: MigrationResult };
      t.is(end.type, "fail");
      t.is(end.error.code, "MIGRATION_TESTS_FAILED");
      t.like(end.result, {
        rollback_performed: true,
        tree_restored: true,
        completed_steps: 2,
        failed_steps: 1,
        final_pr_url: null,
      });
      t.deepEqual(
        end.result.step_results.map((r) => [r.step_id, r.success, r.reverted]),
        [
          ["a", true, true],
          ["b", true, true],
          ["c", false, false],
        ],
      );
    });
});

test("a step that fails before its commit: the completed steps are reverted, nothing replaced", (t) => {
  const ran = [...BEGIN, stepDone("a", "base"), validated("a"), compiled("a")];
  spec()
    .given(ran)
    .when(taskFailed(MigrationTasks.step, "step-b", { code: "CODEMOD_FAILED", message: "mod-b failed on x.js: boom" }))
    .then((c) => {
      t.deepEqual(kinds(c), ["revert-a"]);
      t.deepEqual(inputOf(c[0]).replaces, undefined);
    });
});

test("auto_rollback off: the failure ends the workflow with the branch as it is", (t) => {
  const ran = [
    started({ ...INPUT, auto_rollback: false }),
    ...BEGIN.slice(1),
    stepDone("a", "base"),
    validated("a"),
    compiled("a"),
    stepDone("b", "sha-a"),
  ];
  spec()
    .given(ran)
    .when(validated("b", "failed"))
    .then((c) => {
      const end = c[0] as { type: string; result: MigrationResult };
      t.is(end.type, "fail");
      t.like(end.result, { rollback_performed: false, tree_restored: null, completed_steps: 1 });
    });
});

test("a revert that fails stops the rollback and says so", (t) => {
  const ran = [
    ...BEGIN,
    stepDone("a", "base"),
    validated("a"),
    compiled("a"),
    stepDone("b", "sha-a"),
    validated("b", "failed"),
  ];
  spec()
    .given(ran)
    .when(taskFailed(MigrationTasks.revert, "revert-a", { code: "BRANCH_MOVED", message: "moved" }))
    .then((c) => {
      const end = c[0] as { type: string; error: { message: string }; result: MigrationResult };
      t.is(end.type, "fail");
      t.regex(end.error.message, /^b: its tests did not pass .*; the rollback stopped: BRANCH_MOVED moved$/);
      t.like(end.result, { rollback_performed: false });
    });
});

test("a plan that cannot run fails the workflow before any step", (t) => {
  spec()
    .given(BEGIN.slice(0, 2))
    .when(taskFailed(MigrationTasks.plan, "plan", { code: "INVALID_PLAN", message: "unknown codemod(s) x" }))
    .then((c) => {
      t.deepEqual(kinds(c), ["fail"]);
      t.like((c[0] as { result: MigrationResult }).result, {
        total_steps: 0,
        completed_steps: 0,
        rollback_performed: false,
      });
    });
});

test("a type check that fails after passing tests fails the step, and the rollback begins", (t) => {
  const ran = [...BEGIN, stepDone("a", "base"), validated("a"), compiled("a"), stepDone("b", "sha-a"), validated("b")];
  spec()
    .given(ran)
    .when(compiled("b", false))
    .then((c) => {
      t.deepEqual(kinds(c), ["revert-a"]);
      t.like(inputOf(c[0]), { replaces: "sha-b" });
    });
});

test("the report says which step's leftovers went to the model and which files it changed", (t) => {
  const leftover = { file: "b.js", line: 3, api: "substr", message: "use slice" };
  const handed = taskCompleted(MigrationTasks.step, "step-b", {
    ...stepOut("b", "sha-a"),
    leftovers: [leftover],
    handed_to_model: true,
    model_files: ["b.js"],
    usage: { input_tokens: 10, output_tokens: 2, requests: 1, cost_usd: 0 },
    transcript: "transcripts/wf-spec/1/step-b.json",
  });
  const done = [...BEGIN, stepDone("a", "base"), validated("a"), compiled("a"), handed, validated("b"), compiled("b")];
  spec()
    .given([...done, stepDone("c", "sha-b"), validated("c")])
    .when(compiled("c"))
    .then((c) => {
      const body = String(inputOf(c[0]).body);
      t.regex(
        body,
        /### Leftovers handed to the model \(review them\)\n- `b`: 1 leftover\(s\) handed to the model; it changed `b\.js`\./,
      );
      t.regex(body, /- `b\.js:3` substr: use slice/);
      t.notRegex(body, /`a`: .* handed/);
    });
});
