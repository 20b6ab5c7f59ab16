// plan-patch-pr's model-driven tasks on real parts: the architect's `plan.design` on the
// sample notifications repository (a real git clone and worktree, the real analysis pool, the
// design kept in the `artifacts` store of a real nats-server) and the planner's `plan.issues`,
// both asking the scripted model server over real HTTP through the openai SDK, with the
// demo's own scripts (samples/model-scripts) for the seed's two examples. The bindings run as
// the actor host runs them (input parsed, output validated). Invalid output twice is
// INVALID_MODEL_OUTPUT; a repeated issue id is refused; the refusal of an earlier plan reaches
// the planner's prompt; without a model both fail MODEL_NOT_CONFIGURED.
import test from "ava";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import { architectBindings, type ArchitectPorts } from "../actors/architect/index.ts";
import { plannerBindings } from "../actors/planner/index.ts";
import { createAnalysisPool } from "../infra/analysis/index.ts";
import { codemodRegistry } from "../infra/codemods/registry.ts";
import { createWorkspaces } from "../infra/git/index.ts";
import { ModelClient } from "../infra/llm/client.ts";
import { loadScripts } from "../infra/llm/scripted/script.ts";
import { startScriptedServer, type ScriptedServer } from "../infra/llm/scripted/server.ts";
import { connectNats } from "../infra/nats/connect.ts";
import { openArtifacts } from "../infra/nats/artifacts.ts";
import { startNatsServer } from "../infra/nats/launcher.ts";
import { provision } from "../infra/nats/provision.ts";
import type { TaskBinding } from "../infra/nats/actor-host.ts";
import type { Design, DesignOutput, IssuesOutput } from "../protocol/plan-patch-pr.ts";
import { materializeSample } from "../services/demo/samples.ts";
import { scriptedModel, settingsFor } from "./helpers/model-server.ts";
import { PATCHBAY_AUTHOR, rawHandler, taskContext, tempDir } from "./helpers/repos.ts";

const EXAMPLE_1 = "Add user profile page with avatar upload";
const EXAMPLE_2 = "Fix memory leak in background job processor";

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});
const register = (fn: () => Promise<void>) => cleanups.push(fn);

let nc: NatsConnection;
let repo: string;
let demo: ScriptedServer;
const analysis = createAnalysisPool({ threads: 1 });
register(() => analysis.close());

test.before(async () => {
  const root = await tempDir("patchbay-plan-design-", register);
  const server = await startNatsServer({ storeDir: join(root, "nats") });
  register(() => server.stop());
  nc = await connectNats({ url: server.url, name: "test-plan-design" });
  register(() => nc.close());
  await provision(nc, { roles: ["architect", "planner"] });
  repo = (await materializeSample("notifications", join(root, "notifications"))).dir;
  demo = await startScriptedServer(await loadScripts("samples/model-scripts"));
  register(() => demo.close());
});

let cache = 0;
async function architectPorts(model?: ModelClient): Promise<ArchitectPorts> {
  const cacheDir = await tempDir(`patchbay-plan-design-cache-${(cache += 1)}-`, register);
  return {
    workspaces: createWorkspaces({ cacheDir, author: PATCHBAY_AUTHOR, allowEnvironment: ["GIT_CONFIG_NOSYSTEM"] }),
    analysis,
    artifacts: await openArtifacts(nc),
    ...(model ? { model } : {}),
    now: Date.now,
    log: () => undefined,
  };
}

function binding(bindings: TaskBinding[], kind: string): TaskBinding {
  const found = bindings.find((b) => b.contract.kind === kind);
  if (found === undefined) throw new Error(`no binding for ${kind}`);
  return found;
}

let runs = 0;
/** A design task of its own workflow (or of `workflowId`, to deliver one task again). */
async function design(model: ModelClient | undefined, requirement: string, mapTokens?: number, workflowId?: string) {
  const handler = rawHandler(binding(architectBindings(await architectPorts(model)), "plan.design"));
  const input = { repo, base: "main", requirement, ...(mapTokens ? { map_tokens: mapTokens } : {}) };
  const ctx = taskContext("plan.design");
  const task = { ...ctx.task, workflow_id: workflowId ?? `wf-design-${(runs += 1)}` };
  return (await handler(input, { ...ctx, task })) as DesignOutput;
}

async function issues(model: ModelClient | undefined, requirement: string, given: Design, previousError?: string) {
  const handler = rawHandler(binding(plannerBindings({ codemods: codemodRegistry([]), model }), "plan.issues"));
  const input = { requirement, design: given, ...(previousError ? { previous_error: previousError } : {}) };
  return (await handler(input, taskContext("plan.issues"))) as IssuesOutput;
}

type Body = {
  messages: { role: string; content: string }[];
  response_format: { json_schema: { name: string; strict: boolean } };
};
const bodyOf = (server: ScriptedServer, i: number) => server.requests[i]?.body as Body;

test.serial("example 1: a feature design from the repository map, kept as an artifact, then 4 issues", async (t) => {
  const from = demo.requests.length;
  const out = await design(new ModelClient(settingsFor(demo)), EXAMPLE_1);
  t.like(out.design, { kind: "feature", title: EXAMPLE_1 });
  t.deepEqual(
    out.design.components.map((c) => c.name),
    ["profile-store", "avatar-storage", "profile-api", "profile-page"],
  );
  t.regex(out.artifact, /^designs\/wf-design-\d+\/1\/design\.json$/);
  const kept = JSON.parse((await (await openArtifacts(nc)).get(out.artifact)) ?? "{}");
  t.like(kept, { ...out, input: { requirement: EXAMPLE_1, base: "main", map_tokens: 4_000 } });
  t.regex(kept.map, /^src\/format\.js: formatMessage/);
  t.deepEqual(out.usage, { input_tokens: 2410, output_tokens: 690, requests: 1, cost_usd: 0.01034 });
  t.true(out.map_files >= 10 && out.map_tokens <= 4_000, `${out.map_files} files, ${out.map_tokens} tokens`);
  const sent = bodyOf(demo, from);
  t.regex(sent.messages[0]?.content ?? "", /^\[patchbay:role=architect\]\n/);
  t.regex(sent.messages[1]?.content ?? "", /^Context:\nRepository map \(path: symbols\), most relevant first:\n/);
  t.true(sent.messages[1]?.content.includes("src/store.js: NotificationStore, constructor, add, get, list"));
  t.regex(sent.messages[1]?.content ?? "", /Test command: npm test\nPackage manager: npm$/);
  t.regex(
    sent.messages.at(-1)?.content ?? "",
    new RegExp(`^Requirement: ${EXAMPLE_1}\\n\\nDesign this change on main`),
  );
  t.like(sent.response_format.json_schema, { name: "design", strict: true });
  t.false(JSON.stringify(sent.response_format).includes("minLength"), "no keyword strict mode may refuse");

  const plan = await issues(new ModelClient(settingsFor(demo)), EXAMPLE_1, out.design);
  t.deepEqual(
    plan.issues.map((i) => [i.id, i.dependencies.length]),
    [
      ["profile-store", 0],
      ["avatar-storage", 0],
      ["profile-api", 0],
      ["profile-page", 0],
    ],
  );
  const files = plan.issues.flatMap((i) => i.files_to_modify);
  t.is(new Set(files).size, files.length, "no two issues change the same file");
  t.deepEqual([...files].sort(), [...out.design.file_structure].sort());
  t.true(existsSync(join(repo, "src/index.js")) && existsSync(join(repo, "src/validate.js")), "they build on the repo");
  t.like(plan.usage, { input_tokens: 1980, output_tokens: 820, requests: 1 });
  const asked = bodyOf(demo, from + 1);
  t.regex(asked.messages[0]?.content ?? "", /^\[patchbay:role=planner\]\n/);
  t.true(asked.messages[1]?.content.startsWith(`Context:\nDesign:\n${JSON.stringify(out.design, null, 2)}`));
  t.is(asked.messages.at(-1)?.content, `Requirement: ${EXAMPLE_1}\n\nSplit the design into issues.`);
  t.like(asked.response_format.json_schema, { name: "issues", strict: true });
  t.false(JSON.stringify(asked.response_format).includes("minLength"));
});

test.serial("example 2: a bugfix design and one issue, on files the repository has", async (t) => {
  const out = await design(new ModelClient(settingsFor(demo)), EXAMPLE_2);
  t.like(out.design, { kind: "bugfix", title: EXAMPLE_2 });
  t.deepEqual(out.design.file_structure, ["src/store.js", "test/unit/store.test.js"]);
  const plan = await issues(new ModelClient(settingsFor(demo)), EXAMPLE_2, out.design);
  t.is(plan.issues.length, 1);
  t.like(plan.issues[0], { id: "bound-store", component: "store-bound", dependencies: [] });
  for (const file of plan.issues[0]?.files_to_modify ?? []) t.true(existsSync(join(repo, file)), file);
});

test.serial(
  "the map in the prompt keeps to map_tokens; with none of the requirement's words, most imported first",
  async (t) => {
    const from = demo.requests.length;
    const out = await design(new ModelClient(settingsFor(demo)), EXAMPLE_2, 30);
    t.true(out.map_tokens <= 30 && out.map_files >= 1, `${out.map_files} files, ${out.map_tokens} tokens`);
    const context = bodyOf(demo, from).messages[1]?.content ?? "";
    const map = context.split("\n\n")[0]?.split("\n").slice(2) ?? [];
    t.is(map.length, out.map_files);
    t.regex(map[0] ?? "", /^src\/(format|store|validate)\.js: /, "a module the index and the tests import");
    t.is(Math.ceil(map.join("\n").length / 4), out.map_tokens);
  },
);

/** Example 2's design, as the demo's script answers it. */
const exampleDesign = JSON.parse(readFileSync("samples/model-scripts/architect-memory-leak.json", "utf8")).steps[0]
  .content as Design;

test("invalid design twice is INVALID_MODEL_OUTPUT; a path out of the repository is sent back for repair", async (t) => {
  const steps = [{ content: "not json" }, { content: { ...exampleDesign, kind: "chore" } }];
  const broken = await scriptedModel({ "architect.json": { role: "architect", steps } }, register);
  const err = await t.throwsAsync(design(new ModelClient(settingsFor(broken)), EXAMPLE_2));
  t.is((err as { code?: string }).code, "INVALID_MODEL_OUTPUT");
  t.regex(err.message, /no valid design after one repair: kind: /);
  t.regex(JSON.stringify(bodyOf(broken, 1)), /does not match the design schema: the reply is not JSON/);

  const outside = { ...exampleDesign, file_structure: ["../escape.js", "src/store.js"] };
  const repaired = await scriptedModel(
    { "architect.json": { role: "architect", steps: [{ content: outside }, { content: exampleDesign }] } },
    register,
  );
  const out = await design(new ModelClient(settingsFor(repaired)), EXAMPLE_2);
  t.deepEqual(out.design, exampleDesign);
  t.is(out.usage.requests, 2);
  t.regex(JSON.stringify(bodyOf(repaired, 1)), /\\"..\/escape.js\\" is not a repository-relative path/);
});

test("a design task delivered again returns the stored design without asking the model again", async (t) => {
  const server = await scriptedModel(
    { "architect.json": { role: "architect", steps: [{ content: exampleDesign }] } },
    register,
  );
  const first = await design(new ModelClient(settingsFor(server)), EXAMPLE_2, undefined, "wf-again");
  const again = await design(new ModelClient(settingsFor(server)), EXAMPLE_2, undefined, "wf-again");
  t.deepEqual(again, first);
  t.is(server.requests.length, 1);
  const other = await design(new ModelClient(settingsFor(server)), EXAMPLE_2, 1_000, "wf-again");
  t.is(server.requests.length, 2, "another input is designed anew");
  t.true(other.map_tokens <= 1_000);
});

const issue = (id: string) => ({
  id,
  title: id,
  description: "",
  component: "store-bound",
  files_to_modify: [`src/${id}.js`],
  dependencies: [],
  estimated_complexity: "low",
});

test("issues with a repeated id or an empty title are sent back once, then refused with INVALID_MODEL_OUTPUT", async (t) => {
  const twice = { content: { issues: [issue("a"), issue("b"), { ...issue("a"), title: " " }] } };
  const server = await scriptedModel({ "planner.json": { role: "planner", steps: [twice, twice] } }, register);
  const err = await t.throwsAsync(issues(new ModelClient(settingsFor(server)), EXAMPLE_2, exampleDesign));
  t.is((err as { code?: string }).code, "INVALID_MODEL_OUTPUT");
  t.regex(err.message, /issues\.2\.id: a is used by an earlier issue/);
  t.regex(err.message, /issues\.2\.title: the title is empty/);
  t.regex(
    JSON.stringify(bodyOf(server, 1)),
    /does not match the issues schema: issues\.2\.title: the title is empty; issues\.2\.id: a is used/,
  );

  const fixed = { content: { issues: [issue("a"), issue("b")] } };
  const again = await scriptedModel({ "planner.json": { role: "planner", steps: [twice, fixed] } }, register);
  const plan = await issues(new ModelClient(settingsFor(again)), EXAMPLE_2, exampleDesign);
  t.deepEqual(
    plan.issues.map((i) => i.id),
    ["a", "b"],
  );
});

test("previous_error reaches the planner's prompt: the scripted server answers the retry's script", async (t) => {
  const refusal = "issue b depends on zz, which is not an issue";
  const server = await scriptedModel(
    {
      "1-retry.json": {
        role: "planner",
        match: "Your last plan was refused: ",
        steps: [{ content: { issues: [issue("b")] } }],
      },
      "2-first.json": { role: "planner", steps: [{ content: { issues: [issue("a"), issue("b")] } }] },
    },
    register,
  );
  const first = await issues(new ModelClient(settingsFor(server)), EXAMPLE_2, exampleDesign);
  t.is(first.issues.length, 2);
  const retry = await issues(new ModelClient(settingsFor(server)), EXAMPLE_2, exampleDesign, refusal);
  t.deepEqual(
    retry.issues.map((i) => i.id),
    ["b"],
  );
  t.deepEqual(
    server.requests.map((r) => r.script),
    ["2-first.json#0", "1-retry.json#0"],
  );
  t.is(
    bodyOf(server, 1).messages.at(-1)?.content,
    `Requirement: ${EXAMPLE_2}\n\nSplit the design into issues.\n\nYour last plan was refused: ${refusal}\nAnswer a corrected plan.`,
  );
});

test("without a model, both fail MODEL_NOT_CONFIGURED naming their setting", async (t) => {
  const noDesign = await t.throwsAsync(design(undefined, EXAMPLE_1));
  t.is((noDesign as { code?: string }).code, "MODEL_NOT_CONFIGURED");
  t.regex(noDesign.message, /the architect has no model: .*PATCHBAY_MODEL_ARCHITECT/);
  const noPlan = await t.throwsAsync(issues(undefined, EXAMPLE_1, exampleDesign));
  t.is((noPlan as { code?: string }).code, "MODEL_NOT_CONFIGURED");
  t.regex(noPlan.message, /the planner has no model: .*PATCHBAY_MODEL_PLANNER/);
});
