// plan-patch-pr's decider with the architect's and planner's real bindings, on a real
// nats-server through real actor hosts, the model the scripted server with the demo's scripts:
// seed example 1 is designed and planned, the coordinator accepts both outputs by their
// contracts, adds their usage up, and dispatches the four independent issues to coders at
// once, each with instructions its coder script matches (`Issue <id>:`). Example 2's planner
// first answers a cyclic plan: the decider's refusal reaches its prompt, and its second plan
// runs. The coders here only record their tasks; the coding, merging and the gate are other
// tests' business.
import test, { type ExecutionContext } from "ava";
import { join } from "node:path";
import { architectBindings } from "../actors/architect/index.ts";
import { plannerBindings } from "../actors/planner/index.ts";
import { createAnalysisPool } from "../infra/analysis/index.ts";
import { codemodRegistry } from "../infra/codemods/registry.ts";
import { createWorkspaces } from "../infra/git/index.ts";
import { ModelClient } from "../infra/llm/client.ts";
import { loadScripts, type Script } from "../infra/llm/scripted/script.ts";
import { startScriptedServer } from "../infra/llm/scripted/server.ts";
import { implement } from "../infra/nats/actor-host.ts";
import { openArtifacts } from "../infra/nats/artifacts.ts";
import { CodePatchTasks, type PatchTaskInput } from "../protocol/code-patch.ts";
import { ErrorCode, TerminalError } from "../protocol/errors.ts";
import { PlanPatchInput } from "../protocol/plan-patch-pr.ts";
import { WorkflowRegistry, builtinWorkflows } from "../services/coordinator/index.ts";
import { materializeSample } from "../services/demo/samples.ts";
import { settingsFor } from "./helpers/model-server.ts";
import { eventually, startTestNats } from "./helpers/nats.ts";
import { PATCHBAY_AUTHOR, tempDir } from "./helpers/repos.ts";
import { client, startActor, startCoordinator } from "./helpers/runtime.ts";

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});
const register = (fn: () => Promise<void>) => cleanups.push(fn);

/** The coordinator with plan-patch-pr, the architect and planner on `scripts`, and coders that only record their tasks. */
async function setUp(t: ExecutionContext, scripts: Script[]) {
  const root = await tempDir("patchbay-plan-workflow-", register);
  const repo = (await materializeSample("notifications", join(root, "notifications"))).dir;
  const model = await startScriptedServer(scripts);
  register(() => model.close());
  const reg = new WorkflowRegistry(builtinWorkflows);
  const { nc } = await startTestNats(t, { roles: [...reg.roles().keys()] });
  await startCoordinator(t, nc, reg);
  const analysis = createAnalysisPool({ threads: 1 });
  register(() => analysis.close());
  const architect = {
    workspaces: createWorkspaces({ cacheDir: join(root, "cache"), author: PATCHBAY_AUTHOR }),
    analysis,
    artifacts: await openArtifacts(nc),
    model: new ModelClient(settingsFor(model)),
    now: Date.now,
    log: () => undefined,
  };
  await startActor(t, nc, "architect", architectBindings(architect));
  const planner = { codemods: codemodRegistry(), model: new ModelClient(settingsFor(model)) };
  await startActor(t, nc, "planner", plannerBindings(planner));
  const asked: PatchTaskInput[] = [];
  const recorder = implement(CodePatchTasks.patch, async (input, ctx) => {
    asked.push(input);
    await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
    throw new TerminalError(ErrorCode.Cancelled, "the test only records coder tasks");
  });
  await startActor(t, nc, "coder", [recorder], 4);
  return { repo, model, asked, artifacts: architect.artifacts, c: client(t, nc, { "plan-patch-pr": PlanPatchInput }) };
}

test("example 1 designed and planned through the decider: four coder tasks at once, the usage added up", async (t) => {
  const { repo, asked, artifacts, c } = await setUp(t, await loadScripts("samples/model-scripts"));
  await c.start("plan-patch-pr", { repo, requirement: "Add user profile page with avatar upload" }, { id: "ppr-1" });
  await eventually(async () => asked.length === 4, "four coder tasks running at once", 60_000);
  t.deepEqual(asked.map((a) => a.instructions.split("\n")[0]).sort(), [
    "Issue avatar-storage: Avatar storage",
    "Issue profile-api: Profile API endpoints",
    "Issue profile-page: Profile page",
    "Issue profile-store: Profile store",
  ]);
  t.deepEqual(asked.map((a) => `${a.base} ${a.branch}`).sort(), [
    "main patchbay/ppr-1/avatar-storage",
    "main patchbay/ppr-1/profile-api",
    "main patchbay/ppr-1/profile-page",
    "main patchbay/ppr-1/profile-store",
  ]);
  const rec = await c.status("ppr-1");
  t.like(rec?.usage, { input_tokens: 2410 + 1980, output_tokens: 690 + 820, requests: 2 });
  const design = await artifacts.get("designs/ppr-1/1/design.json");
  t.like(JSON.parse(design ?? "{}"), { design: { kind: "feature" }, input: { base: "main" } });
});

test("example 2 with a cyclic first plan: the decider's refusal reaches the planner, whose second plan runs", async (t) => {
  const demo = await loadScripts("samples/model-scripts");
  const architect = demo.filter((s) => s.file === "architect-memory-leak.json");
  const fixed = demo.find((s) => s.file === "planner-memory-leak.json")?.steps ?? [];
  const issue = (id: string, dependency: string) => ({
    id,
    title: id,
    description: "",
    component: "store-bound",
    files_to_modify: [`src/${id}.js`],
    dependencies: [dependency],
    estimated_complexity: "low",
  });
  const cyclic = { content: { issues: [issue("a", "b"), issue("b", "a")] } };
  const refused = "Your last plan was refused: ";
  const planner = [
    { role: "planner", match: refused, steps: fixed, repeat_last: false, file: "planner-1-retry.json" },
    { role: "planner", steps: [cyclic], repeat_last: false, file: "planner-2-first.json" },
  ];
  const { repo, model, asked, c } = await setUp(t, [...architect, ...planner]);
  await c.start("plan-patch-pr", { repo, requirement: "Fix memory leak in background job processor" }, { id: "ppr-2" });
  await eventually(async () => asked.length === 1, "the coder task of the second plan", 60_000);
  t.is(asked[0]?.instructions.split("\n")[0], "Issue bound-store: Bound the notification store");
  t.is(asked[0]?.branch, "patchbay/ppr-2/bound-store");
  t.deepEqual(
    model.requests.map((r) => r.script),
    ["architect-memory-leak.json#0", "planner-2-first.json#0", "planner-1-retry.json#0"],
  );
  const retry = (model.requests[2]?.body as { messages: { content: string }[] }).messages.at(-1)?.content;
  t.regex(
    retry ?? "",
    /\n\nYour last plan was refused: the dependencies form a cycle: a → b → a\nAnswer a corrected plan\.$/,
  );
  t.like((await c.status("ppr-2"))?.usage, { requests: 3 });
});
