/**
 * plan-patch-pr's roles in-process on their real ports (git workspaces, the analysis pool, the
 * sandbox, the local forge, the quality gate's checks), a real nats-server and coordinator, the
 * model a scripted server, on a fresh copy of the notifications sample.
 */
import type { ExecutionContext } from "ava";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { architectBindings } from "../../actors/architect/index.ts";
import { checkBinding } from "../../actors/checker/index.ts";
import { autofixBinding, patchBinding, resolveConflictBinding } from "../../actors/coder/index.ts";
import {
  cleanupBinding,
  integrateBinding,
  planMergeBinding,
  planPrBinding,
  reportBinding,
  resolveBinding,
} from "../../actors/merger/index.ts";
import { plannerBindings } from "../../actors/planner/index.ts";
import { codemodRegistry } from "../../infra/codemods/registry.ts";
import { loadConfig } from "../../infra/config.ts";
import { openLocalForge } from "../../infra/forge/index.ts";
import { ModelClient } from "../../infra/llm/client.ts";
import { openArtifacts } from "../../infra/nats/artifacts.ts";
import { WorkflowInputs } from "../../protocol/workflows.ts";
import { WorkflowRegistry, builtinWorkflows } from "../../services/coordinator/index.ts";
import { materializeSample } from "../../services/demo/samples.ts";
import { architectPorts, checkerPorts, coderPorts, mergerPorts } from "../../services/role-ports.ts";
import { scriptedModel, settingsFor } from "./model-server.ts";
import { startTestNats } from "./nats.ts";
import { ROOT } from "./processes.ts";
import { tempDir } from "./repos.ts";
import { client, startActor, startCoordinator } from "./runtime.ts";

/** The demo's scripts (samples/model-scripts) by file name, to extend with a test's own. */
export async function demoScripts(): Promise<Record<string, unknown>> {
  const dir = join(ROOT, "samples", "model-scripts");
  const scripts: Record<string, unknown> = {};
  for (const name of (await readdir(dir)).filter((n) => n.endsWith(".json")))
    scripts[name] = JSON.parse(await readFile(join(dir, name), "utf8"));
  return scripts;
}

/** The cluster; `register` stops what it starts when the test file ends. */
export async function planCluster(
  t: ExecutionContext,
  scripts: Record<string, unknown>,
  register: (fn: () => Promise<void>) => void,
) {
  const home = await tempDir("patchbay-ppr-", register);
  const repo = (await materializeSample("notifications", join(home, "repos", "notifications"))).dir;
  const server = await scriptedModel(scripts, register);
  const model = new ModelClient(settingsFor(server, { timeoutMs: 30_000 }));
  const cfg = { ...loadConfig({ PATCHBAY_HOME: home }), gatewayUrl: "http://127.0.0.1:7070" };
  const reg = new WorkflowRegistry(builtinWorkflows);
  const { nc } = await startTestNats(t, { roles: [...reg.roles().keys()] });
  await startCoordinator(t, nc, reg);
  const architect = { ...(await architectPorts(cfg, nc)), model };
  const checker = checkerPorts(cfg);
  t.teardown(() => Promise.all([checker.analysis.close(), architect.analysis.close()]).then(() => undefined));
  const coder = { ...coderPorts(cfg), model, redact: (text: string) => text, artifacts: await openArtifacts(nc) };
  const merger = await mergerPorts(cfg, nc);
  await startActor(t, nc, "architect", architectBindings(architect));
  await startActor(t, nc, "planner", plannerBindings({ codemods: codemodRegistry(), model }));
  const coderTasks = [patchBinding(coder), resolveConflictBinding(coder), autofixBinding(coderPorts(cfg))];
  await startActor(t, nc, "coder", coderTasks, 4);
  await startActor(t, nc, "checker", [checkBinding(checker)], 8);
  const mergerTasks = [
    resolveBinding,
    reportBinding,
    integrateBinding,
    planPrBinding,
    planMergeBinding,
    cleanupBinding,
  ];
  await startActor(
    t,
    nc,
    "merger",
    mergerTasks.map((bind) => bind(merger)),
  );
  const forge = await openLocalForge(nc, { workDir: cfg.workDir, gatewayUrl: cfg.gatewayUrl });
  return { repo, c: client(t, nc, WorkflowInputs), forge, server };
}
