// incident-swarm's decider on the workflow-spec kit (no server): the seed's example 1 (three
// diagnosers, consensus 0.88, a fix, its tests, a hotfix PR that waits for `approve`, the merge,
// the verification, a postmortem, fix_applied), example 2 (0.60: a manual issue and a
// postmortem, no fix), an auto-merged severity, a failing verification reverted, a diagnoser
// that fails counted as missing, a fix that cannot be made and failing fix tests taking the
// manual path, and no approval in time leaving the PR unmerged. With models:
// incident-swarm-model.unit.test.ts.
import test from "ava";
import { IncidentSources } from "../protocol/incident.ts";
import { IncidentTasks } from "../protocol/incident-swarm.ts";
import { GateTasks } from "../protocol/quality-gate.ts";
import { APPROVAL_TIMER, incidentSwarm } from "../services/coordinator/internal.ts";
import {
  signalled,
  started,
  taskCompleted,
  taskFailed,
  timerFired,
  workflowSpec,
  type SpecEvent,
} from "./helpers/workflow-spec.ts";
import {
  INPUT_1,
  CONTEXT,
  POOL,
  diagnosis,
  tests,
  at,
  gathered,
  agreeing,
  leak,
  kinds,
  toPr,
  prOpened,
  postmortemDone,
  resultOf,
} from "./helpers/incident-spec.ts";

test("example 1: gather, then three diagnosers whose consensus (0.88) asks for a fix", (t) => {
  const spec = workflowSpec(incidentSwarm);
  spec
    .given([])
    .when(started(INPUT_1))
    .then((c) => t.deepEqual(kinds(c), ["incident.gather:gather"]));
  spec
    .given([started(INPUT_1)])
    .when(gathered)
    .then((c) => {
      t.deepEqual(kinds(c), [
        "incident.diagnose:diagnose-1",
        "incident.diagnose:diagnose-2",
        "incident.diagnose:diagnose-3",
      ]);
      t.deepEqual(
        c.map((x) => (x as { input: { method: string } }).input.method),
        ["saturation", "log-clustering", "change-correlation"],
      );
    });
  spec
    .given([started(INPUT_1), gathered, ...agreeing])
    .when(leak)
    .then((c, state) => {
      t.deepEqual(kinds(c), ["incident.fix:fix"]);
      t.like(state.consensus, { root_cause: POOL, confidence: 0.88, supporting_diagnoses: ["agent-1", "agent-2"] });
    });
});

test("example 1: the fix's tests pass, a hotfix PR with the evidence waits for approve, then the merge", (t) => {
  const spec = workflowSpec(incidentSwarm);
  spec
    .given(toPr.slice(0, -1))
    .when(toPr.at(-1) as SpecEvent)
    .then((c) => {
      t.deepEqual(kinds(c), ["incident.open-pr:open-pr"]);
      const pr = (c[0] as { input: { labels: string[]; body: string } }).input;
      t.deepEqual(pr.labels, ["hotfix", "severity:critical"]);
      t.regex(pr.body, /agent-1 evidence/);
    });
  spec
    .given(toPr)
    .when(prOpened)
    .then((c) => t.deepEqual(c, [{ type: "schedule", timer_id: APPROVAL_TIMER, after_ms: 86_400_000 }]));
  spec
    .given([...toPr, prOpened])
    .when(signalled("approve"))
    .then((c) => t.deepEqual(kinds(c), ["cancel_timer", "incident.merge:merge"]));
});

test("example 1: after the merge the verification, the postmortem and the result", (t) => {
  const spec = workflowSpec(incidentSwarm);
  const merged = [
    ...toPr,
    prOpened,
    signalled("approve"),
    taskCompleted(IncidentTasks.merge, "merge", { merge_commit_sha: "e".repeat(40) }, at(7)),
  ];
  spec
    .given(merged.slice(0, -1))
    .when(merged.at(-1) as SpecEvent)
    .then((c) => t.deepEqual(kinds(c), ["incident.verify:verify"]));
  const verified = taskCompleted(
    IncidentTasks.verify,
    "verify",
    { declared: true, command: "node scripts/verify.js", passed: true, exit_code: 0, tail: "" },
    at(7.2),
  );
  spec
    .given(merged)
    .when(verified)
    .then((c) => {
      t.deepEqual(kinds(c), ["incident.postmortem:postmortem"]);
      const md = (c[0] as { input: { markdown: string } }).input.markdown;
      t.regex(md, /## Timeline\n- 2024-01-15T14:32:00Z — alert fired/);
      t.regex(md, /consensus \(majority\): Connection pool too small for traffic, confidence 0\.88/);
      for (const heading of ["## Root cause", "## Contributing factors", "## Prevention", "## Action items"])
        t.true(md.includes(heading));
    });
  spec
    .given([...merged, verified])
    .when(postmortemDone)
    .then((c) => {
      t.like(resultOf(c), {
        alert_id: "alert-db-001",
        fix_applied: true,
        merged: true,
        rollback_performed: false,
        hotfix_pr_url: "http://gw/repos/r/pulls/3",
        resolution_time_minutes: 7.5,
      });
      t.is(resultOf(c).consensus.confidence, 0.88);
    });
});

test("example 2: three different causes give 0.60, a manual issue and a postmortem, no fix", (t) => {
  const alert = {
    id: "alert-perf-002",
    severity: "high" as const,
    service: "recommendation-engine",
    message: "Elevated latency in recommendations",
    timestamp: "2024-01-15T15:00:00Z",
  };
  const events = [
    started({ alert, repo: "/srv/reco" }),
    taskCompleted(IncidentTasks.gather, "gather", { ...CONTEXT, alert }),
    taskCompleted(IncidentTasks.diagnose, "diagnose-1", diagnosis("agent-1", "Database query slow", "dependency", 0.6)),
    taskCompleted(IncidentTasks.diagnose, "diagnose-2", diagnosis("agent-2", "ML model performance", "capacity", 0.55)),
  ];
  const spec = workflowSpec(incidentSwarm);
  const third = taskCompleted(
    IncidentTasks.diagnose,
    "diagnose-3",
    diagnosis("agent-3", "Cache invalidation issue", "bad-change", 0.65),
  );
  spec
    .given(events)
    .when(third)
    .then((c, state) => {
      t.deepEqual(kinds(c), ["incident.open-issue:open-issue"]);
      t.regex((c[0] as { input: { body: string } }).input.body, /confidence 0\.60 is below the threshold 0\.70/);
      t.like(state.consensus, { root_cause: "Cache invalidation issue", confidence: 0.6 });
    });
  const issued = taskCompleted(IncidentTasks.openIssue, "open-issue", { number: 1, url: "http://gw/repos/r/issues/1" });
  spec
    .given([...events, third])
    .when(issued)
    .then((c) => t.deepEqual(kinds(c), ["incident.postmortem:postmortem"]));
  spec
    .given([...events, third, issued])
    .when(postmortemDone)
    .then((c) => {
      t.like(resultOf(c), {
        fix_applied: false,
        hotfix_pr_url: null,
        issue_url: "http://gw/repos/r/issues/1",
        merged: false,
      });
    });
});

test("an auto-merged severity merges at once; a failing verification is reverted", (t) => {
  const input = { ...INPUT_1, auto_merge_severities: ["critical"] };
  const events = [started(input), ...toPr.slice(1)];
  const spec = workflowSpec(incidentSwarm);
  spec
    .given(events)
    .when(prOpened)
    .then((c) => t.deepEqual(kinds(c), ["incident.merge:merge"]));
  const merged = [
    ...events,
    prOpened,
    taskCompleted(IncidentTasks.merge, "merge", { merge_commit_sha: "e".repeat(40) }),
  ];
  const failing = taskCompleted(IncidentTasks.verify, "verify", {
    declared: true,
    command: "node scripts/verify.js",
    passed: false,
    exit_code: 1,
    tail: "600 > 500",
  });
  spec
    .given(merged)
    .when(failing)
    .then((c) => {
      t.deepEqual(kinds(c), ["incident.revert:revert"]);
      t.is((c[0] as { input: { merge_commit_sha: string } }).input.merge_commit_sha, "e".repeat(40));
    });
  const reverted = taskCompleted(IncidentTasks.revert, "revert", {
    number: 4,
    url: "http://gw/repos/r/pulls/4",
    revert_commit_sha: "f".repeat(40),
  });
  spec
    .given([...merged, failing])
    .when(reverted)
    .then((c) => t.deepEqual(kinds(c), ["incident.postmortem:postmortem"]));
  spec
    .given([...merged, failing, reverted])
    .when(postmortemDone)
    .then((c) => t.like(resultOf(c), { rollback_performed: true, merged: true }));
});

test("a failed diagnoser is missing; a fix that cannot be made or failing fix tests take the manual path", (t) => {
  const spec = workflowSpec(incidentSwarm);
  const failedThird = taskFailed(IncidentTasks.diagnose, "diagnose-3", { code: "TASK_TIMEOUT", message: "late" });
  spec
    .given([started(INPUT_1), gathered, ...agreeing])
    .when(failedThird)
    .then((c, state) => {
      t.deepEqual(kinds(c), ["incident.fix:fix"]);
      t.like(state.consensus, { confidence: 0.88, missing: ["agent-3"], rule: "majority" });
    });
  spec
    .given([started(INPUT_1), gathered, ...agreeing, leak])
    .when(taskFailed(IncidentTasks.fix, "fix", { code: "NO_REMEDIATION", message: "no pool setting" }))
    .then((c) => {
      t.deepEqual(kinds(c), ["incident.open-issue:open-issue"]);
      t.regex((c[0] as { input: { body: string } }).input.body, /no fix could be made: NO_REMEDIATION/);
    });
  spec
    .given(toPr.slice(0, -1))
    .when(taskCompleted(GateTasks.check, "fix-tests", tests("failed")))
    .then((c) => {
      t.deepEqual(kinds(c), ["incident.open-issue:open-issue"]);
      t.regex((c[0] as { input: { body: string } }).input.body, /the fix's tests did not pass: 3\/4 passed/);
    });
});

test("no approval in time, or a reject, leaves the PR unmerged and writes the postmortem; a second approve does nothing", (t) => {
  const spec = workflowSpec(incidentSwarm);
  spec
    .given([...toPr, prOpened])
    .when(timerFired(APPROVAL_TIMER))
    .then((c) => t.deepEqual(kinds(c), ["incident.postmortem:postmortem"]));
  spec
    .given([...toPr, prOpened])
    .when(signalled("reject"))
    .then((c) => t.deepEqual(kinds(c), ["cancel_timer", "incident.postmortem:postmortem"]));
  spec
    .given([...toPr, prOpened, signalled("approve")])
    .when(signalled("approve"))
    .then((c) => t.deepEqual(c, []));
  spec
    .given([...toPr, prOpened, signalled("reject")])
    .when(postmortemDone)
    .then((c) => t.like(resultOf(c), { fix_applied: true, merged: false }));
});

test("without sources the gather task gets the defaults; a repository that cannot be read fails the workflow", (t) => {
  const spec = workflowSpec(incidentSwarm);
  spec
    .given([])
    .when(started(INPUT_1))
    .then((c) => t.deepEqual((c[0] as { input: { sources: unknown } }).input.sources, IncidentSources.parse({})));
  spec
    .given([started(INPUT_1)])
    .when(taskFailed(IncidentTasks.gather, "gather", { code: "REPO_NOT_FOUND", message: "no repo" }))
    .then((c) => {
      t.deepEqual(c, [{ type: "fail", error: { code: "REPO_NOT_FOUND", message: "no repo" } }]);
    });
});
