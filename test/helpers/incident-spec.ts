/**
 * incident-swarm's decider specs share these: the seed's example 1 (its alert, context and
 * diagnoses: two agree on the pool, one says a leak), a catalogue fix, the fix's tests, and the
 * events up to the hotfix PR (test/incident-swarm.unit.test.ts, incident-swarm-model.unit.test.ts).
 */
import type { Command } from "../../services/coordinator/index.ts";
import type { Diagnosis, IncidentContext } from "../../protocol/incident.ts";
import { IncidentTasks, type FixOutput, type IncidentResult } from "../../protocol/incident-swarm.ts";
import { SEED_ALERTS } from "../../services/demo/service-repo.ts";
import { CHECK_NAMES, GateTasks, type CheckOutcome } from "../../protocol/quality-gate.ts";
import { SPEC_T0, started, taskCompleted, type SpecEvent } from "./workflow-spec.ts";

export const ALERT_1 = SEED_ALERTS.poolExhausted;
export const INPUT_1 = { alert: ALERT_1, repo: "/srv/api-service" };
export const CONTEXT: IncidentContext = {
  alert: { ...ALERT_1, logs: [] },
  metrics: ALERT_1.metrics,
  series: [],
  logs: [],
  changes: [],
  configs: [],
  sources: [{ source: "alert", status: "ok" }],
};
export const POOL = "Connection pool too small for traffic";
export const diagnosis = (
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
export const FIX: FixOutput = {
  branch: "patchbay/hotfix-alert-db-001",
  base_sha: "b".repeat(40),
  commit_sha: "c".repeat(40),
  files_changed: ["config/database.yaml", ".env"],
  changes: [{ file: "config/database.yaml", setting: "database.pool.max_connections", from: "100", to: "200" }],
  monitoring: "monitoring/alerts.yml",
  runbook: "docs/runbooks/database.md",
  summary: "Raised the pool from 100 to 200.",
};
export const tests = (status: "passed" | "failed"): CheckOutcome => ({
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
export const at = (minutes: number) => SPEC_T0 + minutes * 60_000;
export const gathered = taskCompleted(IncidentTasks.gather, "gather", CONTEXT, at(0.5));
export const agreeing = [
  taskCompleted(IncidentTasks.diagnose, "diagnose-1", diagnosis("agent-1", POOL, "connection-pool", 0.85), at(3)),
  taskCompleted(IncidentTasks.diagnose, "diagnose-2", diagnosis("agent-2", POOL, "connection-pool", 0.9), at(3)),
];
export const leak = taskCompleted(
  IncidentTasks.diagnose,
  "diagnose-3",
  diagnosis("agent-3", "Database connection leak in service", "connection-pool", 0.7),
  at(3),
);
export const kinds = (commands: Command[]) =>
  commands.map((c) => (c.type === "dispatch" ? `${c.kind}:${c.task_id}` : c.type));
export const toPr: SpecEvent[] = [
  started(INPUT_1),
  gathered,
  ...agreeing,
  leak,
  taskCompleted(IncidentTasks.fix, "fix", FIX, at(5)),
  taskCompleted(GateTasks.check, "fix-tests", tests("passed"), at(6)),
];
export const prOpened = taskCompleted(
  IncidentTasks.openPr,
  "open-pr",
  { number: 3, url: "http://gw/repos/r/pulls/3" },
  at(6.5),
);
export const postmortemDone = taskCompleted(
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
export const resultOf = (commands: Command[]) => (commands[0] as { result: IncidentResult }).result;
