// incident-swarm's decider on the workflow-spec kit (no server): the seed's example 1 (three
// diagnosers, consensus 0.88, a fix, its tests, a hotfix PR that waits for `approve`, the merge,
// the verification, a postmortem, fix_applied), example 2 (0.60: a manual issue and a
// postmortem, no fix), an auto-merged severity, a failing verification reverted, a diagnoser
// that fails counted as missing, a fix that cannot be made and failing fix tests taking the
// manual path, no approval in time leaving the PR unmerged, and `model_diagnosers` adding
// agents with the model method (missing when they fail, in the majority when they agree);
// `model_equivalence` asking the diagnoser's model to group the causes before the consensus
// (two causes the rule keeps apart merged into a majority; a failure falls back to the rule).
import test from "ava";
import type { Command } from "../services/coordinator/index.ts";
import { IncidentSources, type Diagnosis, type IncidentContext } from "../protocol/incident.ts";
import { IncidentTasks, type FixOutput, type IncidentResult } from "../protocol/incident-swarm.ts";
import { SEED_ALERTS } from "../services/demo/service-repo.ts";
import { CHECK_NAMES, GateTasks, type CheckOutcome } from "../protocol/quality-gate.ts";
import { APPROVAL_TIMER, incidentSwarm } from "../services/coordinator/internal.ts";
import {
  SPEC_T0,
  signalled,
  started,
  taskCompleted,
  taskFailed,
  timerFired,
  workflowSpec,
  type SpecEvent,
} from "./helpers/workflow-spec.ts";

const ALERT_1 = SEED_ALERTS.poolExhausted;
const INPUT_1 = { alert: ALERT_1, repo: "/srv/api-service" };
const CONTEXT: IncidentContext = {
  alert: { ...ALERT_1, logs: [] },
  metrics: ALERT_1.metrics,
  series: [],
  logs: [],
  changes: [],
  configs: [],
  sources: [{ source: "alert", status: "ok" }],
};
const POOL = "Connection pool too small for traffic";
const diagnosis = (
  agent: string,
  root_cause: string,
  category: Diagnosis["category"],
  confidence: number,
): Diagnosis => ({
  agent,
  method: "saturation",
  root_cause,
  category,
  confidence,
  evidence: [`${agent} evidence`],
});
const FIX: FixOutput = {
  branch: "patchbay/hotfix-alert-db-001",
  base_sha: "b".repeat(40),
  commit_sha: "c".repeat(40),
  files_changed: ["config/database.yaml", ".env"],
  changes: [{ file: "config/database.yaml", setting: "database.pool.max_connections", from: "100", to: "200" }],
  monitoring: "monitoring/alerts.yml",
  runbook: "docs/runbooks/database.md",
  summary: "Raised the pool from 100 to 200.",
};
const tests = (status: "passed" | "failed"): CheckOutcome => ({
  id: "unit_tests",
  name: CHECK_NAMES.unit_tests,
  status,
  passed: status === "passed",
  skipped: false,
  score: status === "passed" ? 100 : 50,
  issues: [],
  summary: status === "passed" ? "4/4 passed" : "3/4 passed",
  metrics: {},
  duration_ms: 10,
  started_at: SPEC_T0,
  finished_at: SPEC_T0,
  runner: "test:1",
});
const at = (minutes: number) => SPEC_T0 + minutes * 60_000;
const gathered = taskCompleted(IncidentTasks.gather, "gather", CONTEXT, at(0.5));
const agreeing = [
  taskCompleted(IncidentTasks.diagnose, "diagnose-1", diagnosis("agent-1", POOL, "connection-pool", 0.85), at(3)),
  taskCompleted(IncidentTasks.diagnose, "diagnose-2", diagnosis("agent-2", POOL, "connection-pool", 0.9), at(3)),
];
const leak = taskCompleted(
  IncidentTasks.diagnose,
  "diagnose-3",
  diagnosis("agent-3", "Database connection leak in service", "connection-pool", 0.7),
  at(3),
);
const kinds = (commands: Command[]) => commands.map((c) => (c.type === "dispatch" ? `${c.kind}:${c.task_id}` : c.type));
const toPr: SpecEvent[] = [
  started(INPUT_1),
  gathered,
  ...agreeing,
  leak,
  taskCompleted(IncidentTasks.fix, "fix", FIX, at(5)),
  taskCompleted(GateTasks.check, "fix-tests", tests("passed"), at(6)),
];
const prOpened = taskCompleted(
  IncidentTasks.openPr,
  "open-pr",
  { number: 3, url: "http://gw/repos/r/pulls/3" },
  at(6.5),
);
const postmortemDone = taskCompleted(
  IncidentTasks.postmortem,
  "postmortem",
  {
    path: "docs/postmortems/alert-db-001.md",
    branch: "patchbay/postmortem-alert-db-001",
    commit_sha: "d".repeat(40),
    url: "http://gw/repos/r/files/x",
  },
  at(7.5),
);
const resultOf = (commands: Command[]) => (commands[0] as { result: IncidentResult }).result;

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

test("model_diagnosers: 1 adds agent-4 with the model method; its failure makes it missing and the consensus still forms", (t) => {
  const spec = workflowSpec(incidentSwarm);
  const input = { ...INPUT_1, model_diagnosers: 1 };
  spec
    .given([started(input)])
    .when(gathered)
    .then((c) => {
      t.deepEqual(
        c.map((x) => (x as { input: { agent: string; method: string } }).input),
        [
          { agent: "agent-1", method: "saturation", context: CONTEXT },
          { agent: "agent-2", method: "log-clustering", context: CONTEXT },
          { agent: "agent-3", method: "change-correlation", context: CONTEXT },
          { agent: "agent-4", method: "model", context: CONTEXT },
        ],
      );
    });
  const notConfigured = taskFailed(IncidentTasks.diagnose, "diagnose-4", {
    code: "MODEL_NOT_CONFIGURED",
    message: "agent-4: the diagnoser has no model",
  });
  spec
    .given([started(input), gathered, ...agreeing])
    .when(leak)
    .then((c, state) => {
      t.deepEqual(c, [], "the consensus waits for agent-4");
      t.is(state.consensus, undefined);
    });
  spec
    .given([started(input), gathered, ...agreeing, leak])
    .when(notConfigured)
    .then((c, state) => {
      t.deepEqual(kinds(c), ["incident.fix:fix"]);
      t.like(state.consensus, { confidence: 0.88, missing: ["agent-4"], rule: "majority" });
      t.regex(state.timeline.at(-2)?.text ?? "", /agent-4 gave no diagnosis: MODEL_NOT_CONFIGURED/);
    });
});

test("a model diagnosis that agrees joins the majority, with its usage kept", (t) => {
  const spec = workflowSpec(incidentSwarm);
  const usage = { input_tokens: 1200, output_tokens: 80, requests: 1, cost_usd: 0.00304 };
  const byModel = taskCompleted(
    IncidentTasks.diagnose,
    "diagnose-4",
    { ...diagnosis("agent-4", POOL, "connection-pool", 0.7), method: "model", usage },
    at(3),
  );
  spec
    .given([started({ ...INPUT_1, model_diagnosers: 1 }), gathered, ...agreeing, leak])
    .when(byModel)
    .then((c, state) => {
      t.deepEqual(kinds(c), ["incident.fix:fix"]);
      t.like(state.consensus, { confidence: 0.82, supporting_diagnoses: ["agent-1", "agent-2", "agent-4"] });
      t.deepEqual(state.diagnoses.at(-1)?.usage, usage);
    });
});

test("model_equivalence: the model's groups make two differently worded causes a majority, with their mean confidence", (t) => {
  const spec = workflowSpec(incidentSwarm);
  const input = { ...INPUT_1, model_equivalence: true };
  const settled = [
    taskCompleted(IncidentTasks.diagnose, "diagnose-1", diagnosis("agent-1", POOL, "connection-pool", 0.95), at(3)),
    taskCompleted(IncidentTasks.diagnose, "diagnose-2", diagnosis("agent-2", "no evidence", "unknown", 0), at(3)),
  ];
  const refused = diagnosis("agent-3", "The database refuses new connections", "dependency", 0.65);
  const last = taskCompleted(IncidentTasks.diagnose, "diagnose-3", refused, at(3));
  spec
    .given([started(input), gathered, ...settled])
    .when(last)
    .then((c, state) => {
      t.deepEqual(kinds(c), ["incident.group-causes:group-causes"]);
      t.deepEqual(
        (c[0] as { input: { diagnoses: Diagnosis[] } }).input.diagnoses.map((d) => d.agent),
        ["agent-1", "agent-2", "agent-3"],
      );
      t.is(state.consensus, undefined, "the consensus waits for the model's groups");
    });
  const usage = { input_tokens: 900, output_tokens: 60, requests: 1, cost_usd: 0.00228 };
  const groups = [
    { agents: ["agent-1", "agent-3"], reason: "both say the pool cannot take more connections" },
    { agents: ["agent-2"], reason: "no cause" },
  ];
  spec
    .given([started(input), gathered, ...settled, last])
    .when(taskCompleted(IncidentTasks.groupCauses, "group-causes", { groups, usage }, at(4)))
    .then((c, state) => {
      t.deepEqual(kinds(c), ["incident.fix:fix"]);
      t.like(state.consensus, { category: "connection-pool", confidence: 0.8, rule: "majority" });
      t.deepEqual(state.consensus?.supporting_diagnoses, ["agent-1", "agent-3"]);
      t.regex(state.timeline.at(-2)?.text ?? "", /the model grouped the causes: agent-1 \+ agent-3 \(both say/);
    });
  const failed = taskFailed(IncidentTasks.groupCauses, "group-causes", {
    code: "INVALID_MODEL_OUTPUT",
    message: "the groups leave out agent-2",
  });
  spec
    .given([started(input), gathered, ...settled, last])
    .when(failed)
    .then((c, state) => {
      t.deepEqual(kinds(c), ["incident.open-issue:open-issue"], "the rule's 0.53 is under the threshold");
      t.like(state.consensus, { category: "connection-pool", confidence: 0.53, rule: "highest" });
      t.regex(
        state.timeline.at(-2)?.text ?? "",
        /could not judge .*INVALID_MODEL_OUTPUT.*grouped by category and cause/,
      );
    });
});

test("model_equivalence with fewer than two answers, or off, takes the consensus at once", (t) => {
  const spec = workflowSpec(incidentSwarm);
  const fail = (n: number) =>
    taskFailed(IncidentTasks.diagnose, `diagnose-${n}`, { code: "TIMEOUT", message: "late" }, at(3));
  spec
    .given([started({ ...INPUT_1, model_equivalence: true }), gathered, agreeing[0] as SpecEvent, fail(2)])
    .when(fail(3))
    .then((c, state) => {
      t.deepEqual(kinds(c), ["incident.fix:fix"]);
      t.like(state.consensus, { rule: "majority", missing: ["agent-2", "agent-3"] });
    });
  spec
    .given([started(INPUT_1), gathered, ...agreeing])
    .when(leak)
    .then((c) => t.deepEqual(kinds(c), ["incident.fix:fix"]));
});

test("a fix the model wrote: the PR names its files and transcript, the fix has 20 minutes", (t) => {
  const spec = workflowSpec(incidentSwarm);
  spec
    .given([started(INPUT_1), gathered, ...agreeing])
    .when(leak)
    .then((c) => t.like(c[0], { kind: "incident.fix", timeout_ms: 1_200_000 }));
  const written: FixOutput = {
    ...FIX,
    files_changed: ["config/database.yaml", "docs/runbooks/database.md", "monitoring/alerts.yml"],
    changes: [],
    usage: { input_tokens: 6000, output_tokens: 300, requests: 3, cost_usd: 0.0144 },
    transcript: "transcripts/wf-spec/1/fix.json",
  };
  const events = [...toPr.slice(0, 5), taskCompleted(IncidentTasks.fix, "fix", written, at(5))];
  spec
    .given(events)
    .when(taskCompleted(GateTasks.check, "fix-tests", tests("passed"), at(6)))
    .then((c, state) => {
      const body = (c[0] as { input: { body: string } }).input.body;
      t.regex(
        body,
        /- written by the model [^\n]*: `config\/database\.yaml`; transcript `transcripts\/wf-spec\/1\/fix\.json`/,
      );
      t.regex(state.timeline.at(-2)?.text ?? "", /fix committed on .*: the model's change to config\/database\.yaml/);
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
