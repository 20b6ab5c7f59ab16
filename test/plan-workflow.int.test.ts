// plan-patch-pr's decider with the architect's and planner's real bindings, on a real
// nats-server through real actor hosts, the model the scripted server with the demo's scripts:
// seed example 1 is designed and planned, the coordinator accepts both outputs by their
// contracts, adds their usage up, and dispatches the four independent issues to coders at
// once, each with instructions its coder script matches (`Issue <id>:`). The coders here only
// record their tasks; the coding, merging and the gate are other tests' business.
import test from "ava";
import { join } from "node:path";
import { architectBindings } from "../actors/architect/index.ts";
import { plannerBindings } from "../actors/planner/index.ts";
import { createAnalysisPool } from "../infra/analysis/index.ts";
import { codemodRegistry } from "../infra/codemods/registry.ts";
import { createWorkspaces } from "../infra/git/index.ts";
import { ModelClient } from "../infra/llm/client.ts";
import { loadScripts } from "../infra/llm/scripted/script.ts";
import { startScriptedServer } from "../infra/llm/scripted/server.ts";
import { implement } from "../infra/nats/actor-host.ts";
import { openArtifacts } from "../infra/nats/artifacts.ts";
import { CodePatchTasks, type PatchTaskInput } from "../protocol/code-patch.ts";
import { ErrorCode, TerminalError } from "../protocol/errors.ts";
import { PlanPatchInput } from "../protocol/plan-patch-pr.ts";
import { WorkflowRegistry, builtinWorkflows } from "../services/coordinator/index.ts";
import { planPatchPr } from "../services/coordinator/internal.ts";
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

test("example 1 designed and planned through the decider: four coder tasks at once, the usage added up", async (t) => {
  const root = await tempDir("patchbay-plan-workflow-", register);
  const repo = (await materializeSample("notifications", join(root, "notifications"))).dir;
  const model = await startScriptedServer(await loadScripts("samples/model-scripts"));
  register(() => model.close());
  const reg = new WorkflowRegistry([...builtinWorkflows, planPatchPr]);
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

  const c = client(t, nc, { "plan-patch-pr": PlanPatchInput });
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
  const design = await architect.artifacts.get("designs/ppr-1/1/design.json");
  t.like(JSON.parse(design ?? "{}"), { design: { kind: "feature" }, input: { base: "main" } });
});
