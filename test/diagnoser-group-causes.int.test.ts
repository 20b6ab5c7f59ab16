// The diagnoser's `incident.group-causes` on real parts: a scripted model server answering over
// real HTTP through the openai SDK, and the binding as the actor host runs it (input parsed,
// output validated). Two causes in different words and categories are put in one group with
// the model's reason and its usage; groups that leave out, repeat or invent an agent get one
// repair request naming what is wrong, then INVALID_MODEL_OUTPUT; without a model,
// MODEL_NOT_CONFIGURED.
import test from "ava";
import { groupCausesBinding, type DiagnoserPorts } from "../actors/diagnoser/index.ts";
import { createWorkspaces } from "../infra/git/index.ts";
import { ModelClient } from "../infra/llm/client.ts";
import type { Diagnosis } from "../protocol/incident.ts";
import type { GroupCausesOutput } from "../protocol/incident-swarm.ts";
import { SEED_ALERTS } from "../services/demo/service-repo.ts";
import { scriptedModel, settingsFor } from "./helpers/model-server.ts";
import { PATCHBAY_AUTHOR, rawHandler, taskContext } from "./helpers/repos.ts";

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});
const register = (fn: () => Promise<void>) => cleanups.push(fn);

const d = (agent: string, root_cause: string, category: Diagnosis["category"], confidence: number): Diagnosis => ({
  agent,
  method: agent === "agent-3" ? "model" : "saturation",
  root_cause,
  category,
  confidence,
  evidence: [`${agent}: active_connections 100 of max_connections 100`],
});
const DIAGNOSES = [
  d("agent-1", "Connection pool too small for traffic", "connection-pool", 0.95),
  d("agent-2", "no log-clustering evidence", "unknown", 0),
  d("agent-3", "The database refuses new connections", "dependency", 0.65),
];
const INPUT = { alert: SEED_ALERTS.poolExhausted, diagnoses: DIAGNOSES };
const MERGED = {
  groups: [
    { agents: ["agent-1", "agent-3"], reason: "a full pool is why the database refuses connections" },
    { agents: ["agent-2"], reason: "found no cause" },
  ],
};
const usage = { prompt_tokens: 800, completion_tokens: 60 };

function ports(model?: ModelClient): DiagnoserPorts {
  return {
    workspaces: createWorkspaces({ cacheDir: "/nonexistent", author: PATCHBAY_AUTHOR }),
    ...(model ? { model } : {}),
    fetch,
    now: Date.now,
    log: () => undefined,
  };
}

async function groupWith(steps: unknown[]) {
  const server = await scriptedModel(
    { "group.json": { role: "diagnoser", match: "Group the equivalent causes", steps } },
    register,
  );
  const handler = rawHandler(groupCausesBinding(ports(new ModelClient(settingsFor(server)))));
  return { server, run: () => handler(INPUT, taskContext("incident.group-causes")) };
}

test("two causes in different words and categories are one group, with the model's reason and usage", async (t) => {
  const { server, run } = await groupWith([{ content: MERGED, usage }]);
  const out = (await run()) as GroupCausesOutput;
  t.deepEqual(out.groups, MERGED.groups);
  t.deepEqual(out.usage, { input_tokens: 800, output_tokens: 60, requests: 1, cost_usd: 0.00208 });
  const body = server.requests[0]?.body as {
    messages: { content: string }[];
    response_format: { json_schema: { name: string; strict: boolean } };
  };
  t.regex(body.messages[0]?.content ?? "", /^\[patchbay:role=diagnoser\]\nYou judge/);
  t.true(body.messages[1]?.content.includes('"root_cause":"The database refuses new connections"'));
  t.regex(body.messages.at(-1)?.content ?? "", /Group the equivalent causes of agents agent-1, agent-2, agent-3\.$/);
  t.like(body.response_format.json_schema, { name: "cause_groups", strict: true });
});

test("groups that are not a partition of the agents are repaired once, then INVALID_MODEL_OUTPUT", async (t) => {
  const wrong = {
    groups: [
      { agents: ["agent-1", "agent-3", "agent-9"], reason: "pool" },
      { agents: ["agent-3"], reason: "again" },
    ],
  };
  const repaired = await groupWith([
    { content: wrong, usage },
    { content: MERGED, usage },
  ]);
  t.deepEqual(((await repaired.run()) as GroupCausesOutput).groups, MERGED.groups);
  t.regex(
    JSON.stringify(repaired.server.requests[1]?.body),
    /names no agent given: agent-9; names more than once: agent-3; leaves out: agent-2/,
  );
  const broken = await groupWith([{ content: wrong }, { content: { groups: [MERGED.groups[0]] } }]);
  const err = await t.throwsAsync(broken.run());
  t.is((err as { code?: string }).code, "INVALID_MODEL_OUTPUT");
  t.regex(err.message, /leaves out: agent-2/);
});

test("without a model the task fails MODEL_NOT_CONFIGURED, naming the setting", async (t) => {
  const err = await t.throwsAsync(rawHandler(groupCausesBinding(ports()))(INPUT, taskContext("incident.group-causes")));
  t.is((err as { code?: string }).code, "MODEL_NOT_CONFIGURED");
  t.regex(err.message, /PATCHBAY_MODEL_DIAGNOSER/);
});
