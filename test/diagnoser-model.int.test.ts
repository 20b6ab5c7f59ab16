// The diagnoser's `model` method on real parts: the sample service repository's context
// gathered by the real gather task, a scripted model server answering over real HTTP through
// the openai SDK, and the binding as the actor host runs it (input parsed, output validated).
// The model's diagnosis is reported in the catalogue's words with its usage; its confidence is
// capped by the evidence that quotes the context; an invalid reply is repaired once, then
// INVALID_MODEL_OUTPUT; without a model, MODEL_NOT_CONFIGURED; each agent gets its own focus.
import test, { type ExecutionContext } from "ava";
import { join } from "node:path";
import { diagnoserBindings, type DiagnoserPorts } from "../actors/diagnoser/index.ts";
import { createWorkspaces } from "../infra/git/index.ts";
import { ModelClient } from "../infra/llm/client.ts";
import type { Diagnosis, IncidentContext } from "../protocol/incident.ts";
import { SEED_ALERTS, createServiceRepo } from "../services/demo/service-repo.ts";
import { tempDir } from "./helpers/git-repo.ts";
import { scriptedModel, settingsFor } from "./helpers/model-server.ts";
import { PATCHBAY_AUTHOR, rawHandler, taskContext } from "./helpers/repos.ts";

const POOL_CAUSE = "Connection pool too small for traffic";
const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});
const register = (fn: () => Promise<void>) => cleanups.push(fn);

/** Example 1's context, gathered by the real gather task from the sample service repository. */
async function exampleContext(t: ExecutionContext): Promise<{ context: IncidentContext; ports: DiagnoserPorts }> {
  const dir = await tempDir(t, "patchbay-model-diagnoser-");
  const repo = await createServiceRepo(join(dir, "api-service"));
  const ports: DiagnoserPorts = {
    workspaces: createWorkspaces({ cacheDir: join(dir, "cache"), author: PATCHBAY_AUTHOR }),
    fetch,
    now: Date.now,
    log: () => undefined,
  };
  const [gather] = diagnoserBindings(ports).map(rawHandler);
  const input = { alert: SEED_ALERTS.poolExhausted, repo, base: "main", sources: {} };
  const context = (await gather?.(input, taskContext("incident.gather"))) as IncidentContext;
  return { context, ports };
}

/** Runs the diagnose binding with `method: model` for `agent`, with `ports`. */
async function diagnoseWith(ports: DiagnoserPorts, agent: string, context: IncidentContext): Promise<Diagnosis> {
  const [, diagnose] = diagnoserBindings(ports).map(rawHandler);
  return (await diagnose?.({ agent, method: "model", context }, taskContext("incident.diagnose"))) as Diagnosis;
}

/** A scripted diagnoser model answering `steps` in turn, and the ports that use it. */
async function withModel(ports: DiagnoserPorts, steps: unknown[]) {
  const server = await scriptedModel(
    { "diagnoser.json": { role: "diagnoser", match: "alert-db-001", steps } },
    register,
  );
  return { server, ports: { ...ports, model: new ModelClient(settingsFor(server)) } };
}

const usage = { prompt_tokens: 3000, completion_tokens: 200 };

test("example 1: the model's diagnosis in the catalogue's words, capped by its grounded evidence, with its usage", async (t) => {
  const { context, ports } = await exampleContext(t);
  const lowered = context.changes.find((c) => c.subject.startsWith("Lower the database pool"));
  const evidence = [
    "active_connections 100 of max_connections 100",
    "config/database.yaml had max_connections: 150 before the last change",
    `commit ${lowered?.sha.slice(0, 7)} lowered the pool five hours before the alert`,
    "traffic probably grew during the day",
  ];
  const reply = { root_cause: "The pool was lowered to 100 and is exhausted", category: "connection-pool" };
  const { server, ports: withClient } = await withModel(ports, [
    { content: { ...reply, confidence: 0.9, evidence }, usage },
  ]);
  const d = await diagnoseWith(withClient, "agent-4", context);
  t.like(d, { agent: "agent-4", method: "model", category: "connection-pool", root_cause: POOL_CAUSE });
  t.is(d.confidence, 0.8, "three of four items quote the context: capped at 0.5 + 0.3");
  t.deepEqual(d.evidence, [`the model's words: ${reply.root_cause}`, ...evidence]);
  t.deepEqual(d.usage, { input_tokens: 3000, output_tokens: 200, requests: 1, cost_usd: 0.0076 });
  const body = server.requests[0]?.body as {
    messages: { role: string; content: string }[];
    response_format: { json_schema: { name: string; strict: boolean; schema: { required: string[] } } };
  };
  t.regex(body.messages[0]?.content ?? "", /^\[patchbay:role=diagnoser\][\s\S]*Focus: Look first at dependencies/);
  t.true(body.messages[1]?.content.includes(`"max_connections":100`), "the context, as compact JSON");
  t.regex(body.messages.at(-1)?.content ?? "", /^Alert alert-db-001 \(critical\) on api-service/);
  t.like(body.response_format.json_schema, { name: "diagnosis", strict: true });
  t.deepEqual(body.response_format.json_schema.schema.required, ["root_cause", "category", "confidence", "evidence"]);
});

test("a model claiming 0.99 with one piece of evidence gets the cap, 0.6; none that quotes the context, 0.5", async (t) => {
  const { context, ports } = await exampleContext(t);
  const answer = (evidence: string[]) => ({
    content: { root_cause: "pool exhausted", category: "connection-pool", confidence: 0.99, evidence },
  });
  const one = await withModel(ports, [answer(["error_rate 15.5 %"])]);
  t.is((await diagnoseWith(one.ports, "agent-4", context)).confidence, 0.6);
  const none = await withModel(ports, [answer(["the pool looks small", "the pool looks small"])]);
  t.is((await diagnoseWith(none.ports, "agent-4", context)).confidence, 0.5);
});

test("a log line counts when 24 characters of it are quoted in a row, or a short one whole", async (t) => {
  const { context, ports } = await exampleContext(t);
  const logs = [
    { message: "timeout acquiring a connection from the pool after 5000ms", level: "error", source: "app.log" },
    { message: "DB pool: FULL", level: "error", source: "app.log" },
  ];
  const answer = (evidence: string[]) => ({
    content: { root_cause: "pool", category: "connection-pool", confidence: 0.95, evidence },
  });
  const quoted = ["log: Timeout acquiring a  connection from the pool", "db pool: full", "timeout acquiring a conn"];
  const { ports: withClient } = await withModel(ports, [answer(quoted)]);
  t.is((await diagnoseWith(withClient, "agent-2", { ...context, logs })).confidence, 0.8);
  const partial = await withModel(ports, [answer(["timeout acquiring a con", "pool: FULL"])]);
  t.is((await diagnoseWith(partial.ports, "agent-2", { ...context, logs })).confidence, 0.5, "too short to count");
});

test("the context is sent as compact JSON clipped to its budget, the logs last and only the latest", async (t) => {
  const { context, ports } = await exampleContext(t);
  const logs = Array.from({ length: 3000 }, (_, i) => ({ message: `line ${i} ${"x".repeat(400)}`, source: "app.log" }));
  const content = { root_cause: "pool", category: "connection-pool", confidence: 0.5, evidence: [] };
  const { server, ports: withClient } = await withModel(ports, [{ content }]);
  await diagnoseWith(withClient, "agent-2", { ...context, logs });
  const sent = (server.requests[0]?.body as { messages: { content: string }[] }).messages[1]?.content ?? "";
  t.true(sent.length <= "Context:\n".length + 24_000 + "…(clipped)".length, `${sent.length} characters`);
  t.regex(sent, /…\(clipped\)$/);
  t.true(sent.includes('"file":"config/database.yaml"'), "the configs come before the logs");
  t.true(sent.includes('"message":"line 2800 xxx') && !sent.includes('"line 2799 '), "the last 200 lines");
});

test("a model that finds no cause answers unknown with confidence 0, as the offline methods do", async (t) => {
  const { context, ports } = await exampleContext(t);
  const content = { root_cause: "unclear", category: "unknown", confidence: 0.7, evidence: ["error_rate 15.5"] };
  const { ports: withClient } = await withModel(ports, [{ content }]);
  t.like(await diagnoseWith(withClient, "agent-5", context), {
    category: "unknown",
    root_cause: "no model evidence",
    confidence: 0,
    evidence: ["error_rate 15.5"],
  });
});

test("an invalid reply is repaired once, the usage of both requests reported; a second one is INVALID_MODEL_OUTPUT", async (t) => {
  const { context, ports } = await exampleContext(t);
  const valid = { root_cause: "pool", category: "connection-pool", confidence: 0.6, evidence: [] };
  const repaired = await withModel(ports, [
    { content: { ...valid, category: "database" }, usage },
    { content: valid, usage },
  ]);
  const d = await diagnoseWith(repaired.ports, "agent-4", context);
  t.like(d, { category: "connection-pool", confidence: 0.5, usage: { input_tokens: 6000, requests: 2 } });
  t.regex(JSON.stringify(repaired.server.requests[1]?.body), /does not match the diagnosis schema: category: /);
  const broken = await withModel(ports, [{ content: "not json" }, { content: { ...valid, evidence: "none" } }]);
  const err = await t.throwsAsync(diagnoseWith(broken.ports, "agent-4", context));
  t.is((err as { code?: string }).code, "INVALID_MODEL_OUTPUT");
  t.regex(err.message, /evidence: /);
});

test("without a model the method fails MODEL_NOT_CONFIGURED, naming the setting", async (t) => {
  const { context, ports } = await exampleContext(t);
  const err = await t.throwsAsync(diagnoseWith(ports, "agent-4", context));
  t.is((err as { code?: string }).code, "MODEL_NOT_CONFIGURED");
  t.regex(err.message, /PATCHBAY_MODEL_DIAGNOSER/);
});

test("agents 1 to 4 get four different focuses, the same on every request", async (t) => {
  const { context, ports } = await exampleContext(t);
  const content = { root_cause: "pool", category: "connection-pool", confidence: 0.5, evidence: [] };
  const { server, ports: withClient } = await withModel(ports, [{ content }]);
  for (const agent of ["agent-1", "agent-2", "agent-3", "agent-4", "agent-1"])
    await diagnoseWith(withClient, agent, context);
  const focuses = server.requests.map((r) => {
    const system = (r.body as { messages: { content: string }[] }).messages[0]?.content ?? "";
    return /Focus: Look first at ([a-z ]+)/.exec(system)?.[1];
  });
  t.deepEqual(focuses, [
    "resource saturation",
    "the errors in the logs",
    "the recent changes",
    "dependencies",
    "resource saturation",
  ]);
});
