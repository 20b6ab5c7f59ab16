// incident-swarm's decider with models, on the workflow-spec kit (no server):
// `model_diagnosers` adding agents with the model method (missing when they fail, in the
// majority when they agree); `model_equivalence` asking the diagnoser's model to group the
// causes before the consensus (two causes the rule keeps apart merged into a majority; a
// failure falls back to the rule; fewer than two answers, or off, no question); and a fix the
// model wrote, named in the PR with its transcript.
import test from "ava";
import type { Diagnosis } from "../protocol/incident.ts";
import { IncidentTasks, type FixOutput } from "../protocol/incident-swarm.ts";
import { GateTasks } from "../protocol/quality-gate.ts";
import { incidentSwarm } from "../services/coordinator/internal.ts";
import { started, taskCompleted, taskFailed, workflowSpec, type SpecEvent } from "./helpers/workflow-spec.ts";
import {
  INPUT_1,
  CONTEXT,
  POOL,
  diagnosis,
  FIX,
  tests,
  at,
  gathered,
  agreeing,
  leak,
  kinds,
  toPr,
} from "./helpers/incident-spec.ts";

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
