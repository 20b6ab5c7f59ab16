// plan-patch-pr's decider on the workflow-spec kit (no server): design → issues (a cyclic plan
// goes back once with its error, then fails), issues patched up to max_parallel_coders once
// their dependencies are merged, merged into the feature branch one at a time (a conflict goes
// to a coder), the gate as a child (one coder round when it fails), the PR, and the merge:
// auto_merge, approvals (approve, reject, timeout), and a failure that compensates.
import test from "ava";
import type { Command } from "../services/coordinator/index.ts";
import type { PatchOutput } from "../protocol/code-patch.ts";
import { CodePatchTasks } from "../protocol/code-patch.ts";
import { PlanPatchTasks, type Design, type PlanIssue, type PlanPatchResult } from "../protocol/plan-patch-pr.ts";
import type { QualityGateResult } from "../protocol/quality-gate.ts";
import { planPatchPr } from "../services/coordinator/internal.ts";
import {
  SPEC_ID,
  childCompleted,
  signalled,
  started,
  taskCompleted,
  taskFailed,
  timerFired,
  workflowSpec,
  type SpecEvent,
} from "./helpers/workflow-spec.ts";

const USAGE = { input_tokens: 10, output_tokens: 5, requests: 1, cost_usd: 0 };
const DESIGN: Design = {
  kind: "feature",
  title: "User profile page",
  architecture: "An API, a store and a page.",
  components: [{ name: "api", description: "profile API", files: ["src/profile.js"] }],
  dependencies: [],
  file_structure: ["src/profile.js"],
  test_strategy: "unit tests",
};
const DESIGNED = {
  design: DESIGN,
  base_sha: "base",
  map_files: 3,
  map_tokens: 100,
  usage: USAGE,
  artifact: "designs/x",
};
const issue = (id: string, dependencies: string[] = []): PlanIssue => ({
  id,
  title: `issue ${id}`,
  description: `do ${id}`,
  component: "api",
  files_to_modify: [`src/${id}.js`],
  dependencies,
  estimated_complexity: "low",
});
const INPUT = { repo: "/srv/app", requirement: "Add user profile page with avatar upload", max_parallel_coders: 2 };
const ISSUES = [issue("a"), issue("b"), issue("c", ["a"]), issue("d", ["a", "b"])];
const BRANCH = "feature/add-user-profile-page";
const patched = (id: string): PatchOutput => ({
  branch: `patchbay/${SPEC_ID}/${id}`,
  base_sha: "base",
  commit_sha: `sha-${id}`,
  files_changed: [`src/${id}.js`],
  tests: null,
  summary: "done",
  steps: 2,
  usage: USAGE,
  transcript: `transcripts/${id}`,
});
const gateResult = (canMerge: boolean): QualityGateResult => ({
  pr_number: null,
  branch: BRANCH,
  head_sha: "tip",
  all_checks_passed: canMerge,
  required_checks_passed: canMerge,
  can_merge: canMerge,
  checks: [],
  overall_score: canMerge ? 96 : 60,
  auto_fixes_applied: false,
  auto_fix: null,
  blocking_issues: canMerge ? [] : ["Unit Tests: 1 failed"],
  required_not_run: [],
  pr_url: null,
});
const spec = () => workflowSpec(planPatchPr);
const ids = (c: Command[]) =>
  c.map((x) => (x.type === "dispatch" ? x.task_id : x.type === "start_child" ? x.child_id : x.type));
const inputOf = (c: Command | undefined) => (c?.type === "dispatch" ? (c.input as Record<string, unknown>) : {});
const design = taskCompleted(PlanPatchTasks.design, "design", DESIGNED);
const issuesDone = (n: number, issues: PlanIssue[]) =>
  taskCompleted(PlanPatchTasks.issues, `issues-${n}`, { issues, usage: USAGE });
const patchDone = (id: string) => taskCompleted(CodePatchTasks.patch, `patch-${id}`, patched(id));
const merged = (id: string, sha = `tip-${id}`) =>
  taskCompleted(PlanPatchTasks.integrate, `integrate-${id}`, {
    status: "merged",
    feature_sha: sha,
    files: [`src/${id}.js`],
  });
const PLANNED: SpecEvent[] = [started(INPUT), design, issuesDone(1, ISSUES)];
/** Every issue patched and merged in order a, b, c, d. */
const ALL_MERGED: SpecEvent[] = [
  ...PLANNED,
  patchDone("a"),
  merged("a"),
  patchDone("b"),
  merged("b"),
  patchDone("c"),
  patchDone("d"),
  merged("c"),
];

test("a cyclic plan goes back to the planner once with its error, then fails the workflow", (t) => {
  const cyclic = [issue("a", ["b"]), issue("b", ["a"])];
  spec()
    .given([started(INPUT), design])
    .when(issuesDone(1, cyclic))
    .then((c) => {
      t.deepEqual(ids(c), ["issues-2"]);
      t.is(inputOf(c[0]).previous_error, "the dependencies form a cycle: a → b → a");
    });
  spec()
    .given([started(INPUT), design, issuesDone(1, cyclic)])
    .when(issuesDone(2, [issue("a", ["zz"])]))
    .then((c) => {
      t.deepEqual(c, [
        {
          type: "compensate",
          error: { code: "INVALID_PLAN", message: "the planner's issues: issue a depends on zz, which does not exist" },
        },
      ]);
    });
});

test("issues start up to max_parallel_coders once their dependencies are merged, merged one at a time", (t) => {
  spec()
    .given([started(INPUT), design])
    .when(issuesDone(1, ISSUES))
    .then((c) => {
      t.deepEqual(ids(c), ["patch-a", "patch-b"]);
      t.like(inputOf(c[0]), { base: "main", branch: `patchbay/${SPEC_ID}/a` });
    });
  spec()
    .given(PLANNED)
    .when(patchDone("a"))
    .then((c) => {
      t.deepEqual(ids(c), ["integrate-a"], "c waits for a to be merged, not only patched");
      t.like(inputOf(c[0]), { feature_branch: BRANCH, task_sha: "sha-a" });
      t.false("feature_sha" in inputOf(c[0]));
    });
  spec()
    .given([...PLANNED, patchDone("a")])
    .when(patchDone("b"))
    .then((c) => t.deepEqual(ids(c), [], "one merge at a time"));
  spec()
    .given([...PLANNED, patchDone("a"), patchDone("b")])
    .when(merged("a"))
    .then((c) => {
      t.deepEqual(ids(c), ["patch-c", "integrate-b"]);
      t.like(inputOf(c[0]), { base: BRANCH });
      t.like(inputOf(c[1]), { feature_sha: "tip-a" });
    });
});

test("a conflict goes to a coder, whose resolution counts as the merge", (t) => {
  const conflict = { status: "conflict" as const, files: [{ path: "src/a.js", hunks: "<<<<<<< ours" }] };
  const given = [...PLANNED, patchDone("a"), merged("a"), patchDone("b")];
  spec()
    .given(given)
    .when(taskCompleted(PlanPatchTasks.integrate, "integrate-b", conflict))
    .then((c) => {
      t.deepEqual(ids(c), ["resolve-b"]);
      t.like(inputOf(c[0]), { feature_sha: "tip-a", conflicts: conflict.files, task_sha: "sha-b" });
    });
  const resolved = taskCompleted(PlanPatchTasks.resolve, "resolve-b", {
    feature_sha: "tip-b",
    files: ["src/b.js"],
    usage: USAGE,
    transcript: "t",
  });
  spec()
    .given([...given, taskCompleted(PlanPatchTasks.integrate, "integrate-b", conflict)])
    .when(resolved)
    .then((c) => {
      t.deepEqual(ids(c), ["patch-d"]);
    });
});

test("all merged: the gate as a child, then the PR; without auto_merge it ends unmerged", (t) => {
  spec()
    .given(ALL_MERGED)
    .when(merged("d"))
    .then((c) => {
      t.deepEqual(c, [
        {
          type: "start_child",
          child_id: `${SPEC_ID}-gate-1`,
          workflow_type: "quality-gate",
          input: { repo: "/srv/app", branch: BRANCH, base: "main" },
        },
      ]);
    });
  const gated = [...ALL_MERGED, merged("d"), childCompleted(`${SPEC_ID}-gate-1`, gateResult(true))];
  spec()
    .given(gated.slice(0, -1))
    .when(gated.at(-1) as SpecEvent)
    .then((c) => {
      t.deepEqual(ids(c), ["open-pr"]);
      t.like(inputOf(c[0]), { head: BRANCH, labels: ["automated", "feature"] });
      t.regex(String(inputOf(c[0]).body), /\| d \| issue d \| api \| `sha-d` \|/);
    });
  spec()
    .given(gated)
    .when(taskCompleted(PlanPatchTasks.openPr, "open-pr", { number: 7, url: "http://pr/7" }))
    .then((c) => {
      const result = (c[0] as { result: PlanPatchResult }).result;
      t.like(result, {
        pr_number: 7,
        merged: false,
        not_merged_reason: "auto_merge is off",
        qa_score: 96,
        branch_name: BRANCH,
      });
      t.deepEqual(result.files_changed, ["src/a.js", "src/b.js", "src/c.js", "src/d.js"]);
      t.deepEqual(result.usage, { input_tokens: 60, output_tokens: 30, requests: 6, cost_usd: 0 });
    });
});

test("a gate that does not pass: one coder round on the feature branch, merged, and the gate again", (t) => {
  const failedGate = [...ALL_MERGED, merged("d", "tip-d")];
  spec()
    .given(failedGate)
    .when(childCompleted(`${SPEC_ID}-gate-1`, gateResult(false)))
    .then((c) => {
      t.deepEqual(ids(c), ["patch-gate-fix"]);
      t.like(inputOf(c[0]), { base: BRANCH });
      t.regex(String(inputOf(c[0]).instructions), /Blocking: Unit Tests: 1 failed/);
    });
  const fixing = [...failedGate, childCompleted(`${SPEC_ID}-gate-1`, gateResult(false)), patchDone("gate-fix")];
  spec()
    .given(fixing)
    .when(merged("gate-fix"))
    .then((c) => t.deepEqual(ids(c), [`${SPEC_ID}-gate-2`]));
});

test("auto_merge with a gate that allows it merges; approvals wait, reject and time out", (t) => {
  const through = (input: object) => [
    ...[started({ ...INPUT, ...input }), ...ALL_MERGED.slice(1)],
    merged("d"),
    childCompleted(`${SPEC_ID}-gate-1`, gateResult(true)),
  ];
  const opened = taskCompleted(PlanPatchTasks.openPr, "open-pr", { number: 7, url: "http://pr/7" });
  spec()
    .given(through({ auto_merge: true }))
    .when(opened)
    .then((c) => t.deepEqual(ids(c), ["merge"]));
  const auto = [...through({ auto_merge: true }), opened];
  spec()
    .given(auto)
    .when(taskCompleted(PlanPatchTasks.merge, "merge", { merge_commit_sha: "m1" }))
    .then((c) => {
      t.like((c[0] as { result: PlanPatchResult }).result, { merged: true, merge_commit_sha: "m1" });
    });
  const approval = { require_approval: true, approval_timeout_ms: 60_000 };
  spec()
    .given(through(approval))
    .when(opened)
    .then((c) => t.deepEqual(c, [{ type: "schedule", timer_id: "approval", after_ms: 60_000 }]));
  const waiting = [...through(approval), opened];
  spec()
    .given(waiting)
    .when(signalled("approve"))
    .then((c) => t.deepEqual(ids(c), ["cancel_timer", "merge"]));
  spec()
    .given(waiting)
    .when(signalled("reject", { reason: "not now" }))
    .then((c) => {
      t.deepEqual(ids(c), ["cancel_timer", "complete"]);
      t.like((c[1] as { result: PlanPatchResult }).result, { merged: false, not_merged_reason: "rejected: not now" });
    });
  spec()
    .given(waiting)
    .when(timerFired("approval"))
    .then((c) => {
      t.like((c[0] as { result: PlanPatchResult }).result, {
        merged: false,
        not_merged_reason: "no approval within 60000 ms",
      });
    });
});

test("a failed task compensates (branches deleted, PR closed); with keep_on_failure it only fails", (t) => {
  const error = { code: "AGENT_LOOP", message: "the same call 3 times" };
  spec()
    .given(PLANNED)
    .when(taskFailed(CodePatchTasks.patch, "patch-a", error))
    .then((c) => {
      t.deepEqual(c, [
        { type: "compensate", error: { code: "AGENT_LOOP", message: "patch-a: the same call 3 times" } },
      ]);
    });
  spec()
    .given([started(INPUT), design])
    .when(issuesDone(1, ISSUES))
    .then((c) => {
      t.like((c[0] as { compensation?: { kind: string; input: object } }).compensation, {
        kind: "plan.cleanup",
        input: { branches: [`patchbay/${SPEC_ID}/a`] },
      });
    });
  const keep = [started({ ...INPUT, keep_on_failure: true }), design, issuesDone(1, ISSUES)];
  spec()
    .given(keep)
    .when(taskFailed(CodePatchTasks.patch, "patch-a", error))
    .then((c) => t.deepEqual(ids(c), ["fail"]));
  spec()
    .given([started({ ...INPUT, keep_on_failure: true }), design])
    .when(issuesDone(1, ISSUES))
    .then((c) => {
      t.is((c[0] as { compensation?: unknown }).compensation, undefined);
    });
});

test("with max_parallel_coders 1 the issues run one after the other", (t) => {
  const one = [started({ ...INPUT, max_parallel_coders: 1 }), design];
  spec()
    .given(one)
    .when(issuesDone(1, ISSUES))
    .then((c) => t.deepEqual(ids(c), ["patch-a"]));
  spec()
    .given([...one, issuesDone(1, ISSUES)])
    .when(patchDone("a"))
    .then((c) => t.deepEqual(ids(c), ["patch-b", "integrate-a"]));
});
