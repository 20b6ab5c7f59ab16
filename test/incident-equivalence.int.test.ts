// incident-swarm's `model_equivalence` end to end on a real nats-server, the diagnoser and the
// merger in-process with their real ports, the diagnoser's model the scripted server over real
// HTTP, on the sample service repository (example 1). Saturation says the pool (0.95), log
// clustering finds nothing (0), the model diagnoser says a failing dependency in other words
// (0.65): the rule keeps the three apart (highest, 0.53); the model's groups put the pool and
// the dependency together: a majority of 0.80, its usage added to the workflow's. When the
// model cannot group them (two replies that are not a partition), the workflow does not hang:
// it takes the rule's groups and says so in the postmortem's timeline.
import test, { type ExecutionContext } from "ava";
import { join } from "node:path";
import { diagnoserBindings } from "../actors/diagnoser/index.ts";
import { openIssueBinding, postmortemBinding } from "../actors/merger/index.ts";
import { loadConfig } from "../infra/config.ts";
import { ModelClient } from "../infra/llm/client.ts";
import type { IncidentResult } from "../protocol/incident-swarm.ts";
import { WorkflowInputs } from "../protocol/workflows.ts";
import { WorkflowRegistry, builtinWorkflows } from "../services/coordinator/index.ts";
import { SEED_ALERTS, createServiceRepo } from "../services/demo/service-repo.ts";
import { diagnoserPorts, mergerPorts } from "../services/role-ports.ts";
import { scriptedModel, settingsFor } from "./helpers/model-server.ts";
import { startTestNats } from "./helpers/nats.ts";
import { git, tempDir } from "./helpers/repos.ts";
import { client, startActor, startCoordinator } from "./helpers/runtime.ts";

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});
const register = (fn: () => Promise<void>) => cleanups.push(fn);

const usage = { prompt_tokens: 1000, completion_tokens: 100 };
const DEPENDENCY = {
  root_cause: "The database refuses new connections",
  category: "dependency",
  confidence: 0.65,
  evidence: ["active_connections 100", "max_connections: 100"],
};
const MERGED = {
  groups: [
    { agents: ["agent-1", "agent-3"], reason: "a full pool is why the database refuses new connections" },
    { agents: ["agent-2"], reason: "found no cause" },
  ],
};
const INPUT = {
  alert: SEED_ALERTS.poolExhausted,
  num_diagnostic_agents: 2,
  model_diagnosers: 1,
  model_equivalence: true,
  auto_fix: false,
};

/** The cluster with a scripted diagnoser model: its diagnosis, then `grouping`'s steps. */
async function cluster(t: ExecutionContext, grouping: unknown[]) {
  const home = await tempDir("patchbay-incident-eq-", register);
  const repo = await createServiceRepo(join(home, "repos", "api-service"));
  const server = await scriptedModel(
    {
      "diagnose.json": { role: "diagnoser", match: "Diagnose its root cause", steps: [{ content: DEPENDENCY, usage }] },
      "group.json": { role: "diagnoser", match: "Group the equivalent causes", steps: grouping },
    },
    register,
  );
  const cfg = { ...loadConfig({ PATCHBAY_HOME: home }), gatewayUrl: "http://127.0.0.1:7070" };
  const reg = new WorkflowRegistry(builtinWorkflows);
  const { nc } = await startTestNats(t, { roles: [...reg.roles().keys()] });
  await startCoordinator(t, nc, reg);
  const model = new ModelClient(settingsFor(server));
  await startActor(t, nc, "diagnoser", diagnoserBindings({ ...diagnoserPorts(cfg), model }));
  const merger = await mergerPorts(cfg, nc);
  await startActor(t, nc, "merger", [openIssueBinding(merger), postmortemBinding(merger)]);
  return { repo, c: client(t, nc, WorkflowInputs) };
}

const postmortemOf = (repo: string) =>
  git(repo, "show", "patchbay/postmortem-alert-db-001:docs/postmortems/alert-db-001.md");

test.serial("the model's groups join a pool and a dependency cause into a majority of 0.80", async (t) => {
  t.timeout(180_000);
  const { repo, c } = await cluster(t, [{ content: MERGED, usage }]);
  await c.start("incident-swarm", { ...INPUT, repo }, { id: "eq-1" });
  const rec = await c.wait("eq-1", 150_000);
  t.is(rec.status, "completed", JSON.stringify(rec.error));
  const result = rec.result as IncidentResult;
  t.like(result.diagnoses[2], { agent: "agent-3", method: "model", category: "dependency", confidence: 0.65 });
  t.like(result.consensus, { category: "connection-pool", confidence: 0.8, rule: "majority" });
  t.deepEqual(result.consensus.supporting_diagnoses, ["agent-1", "agent-3"]);
  t.like(rec.usage, { input_tokens: 2000, output_tokens: 200, requests: 2 }, "the diagnosis and the grouping");
  t.regex(await postmortemOf(repo), /the model grouped the causes: agent-1 \+ agent-3 \(a full pool/);
});

test.serial("a model that cannot group the causes: the rule's groups, 0.53, and the workflow completes", async (t) => {
  t.timeout(180_000);
  const notAPartition = { groups: [{ agents: ["agent-1", "agent-3"], reason: "pool" }] };
  const { repo, c } = await cluster(t, [{ content: notAPartition }, { content: notAPartition }]);
  await c.start("incident-swarm", { ...INPUT, repo }, { id: "eq-2" });
  const rec = await c.wait("eq-2", 150_000);
  t.is(rec.status, "completed", JSON.stringify(rec.error));
  t.like((rec.result as IncidentResult).consensus, { category: "connection-pool", confidence: 0.53, rule: "highest" });
  t.regex(
    await postmortemOf(repo),
    /could not judge which causes are equivalent \(INVALID_MODEL_OUTPUT [^)]*leaves out: agent-2[\s\S]*grouped by category and cause/,
  );
});
