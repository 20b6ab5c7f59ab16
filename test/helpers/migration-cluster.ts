/**
 * code-migration's roles in-process on their real ports (git workspaces, the analysis pool, the
 * checker's real test runs and compiles, the local forge), with a real nats-server and
 * coordinator, in a temp home; `codemods` adds codemods to the built-in ones.
 */
import type { ExecutionContext } from "ava";
import { architectBindings } from "../../actors/architect/index.ts";
import { checkBinding, compileBinding } from "../../actors/checker/index.ts";
import { migrationBindings } from "../../actors/coder/index.ts";
import { migrationPrBinding } from "../../actors/merger/index.ts";
import { plannerBindings } from "../../actors/planner/index.ts";
import type { Codemod } from "../../infra/codemods/codemod.ts";
import { codemodRegistry } from "../../infra/codemods/registry.ts";
import { loadConfig } from "../../infra/config.ts";
import { openLocalForge } from "../../infra/forge/index.ts";
import { WorkflowInputs } from "../../protocol/workflows.ts";
import { WorkflowRegistry, builtinWorkflows } from "../../services/coordinator/index.ts";
import { architectPorts, checkerPorts, mergerPorts, migrationPorts } from "../../services/role-ports.ts";
import { startTestNats } from "./nats.ts";
import { tempDir } from "./repos.ts";
import { client, startActor, startCoordinator } from "./runtime.ts";

/** The cluster; `register` removes the temp home when the test file ends. */
export async function migrationCluster(
  t: ExecutionContext,
  register: (fn: () => Promise<void>) => void,
  codemods: readonly Codemod[] = [],
) {
  const home = await tempDir("patchbay-migration-", register);
  const cfg = { ...loadConfig({ PATCHBAY_HOME: home }), gatewayUrl: "http://127.0.0.1:7070" };
  const reg = new WorkflowRegistry(builtinWorkflows);
  const { nc } = await startTestNats(t, { roles: [...reg.roles().keys()] });
  await startCoordinator(t, nc, reg);
  const registry = codemodRegistry(codemods);
  const architect = await architectPorts(cfg, nc);
  const checker = checkerPorts(cfg);
  t.teardown(() => Promise.all([checker.analysis.close(), architect.analysis.close()]).then(() => undefined));
  await startActor(t, nc, "architect", architectBindings(architect));
  await startActor(t, nc, "planner", plannerBindings({ codemods: registry }));
  await startActor(t, nc, "coder", migrationBindings({ ...(await migrationPorts(cfg, nc)), codemods: registry }));
  await startActor(t, nc, "checker", [checkBinding(checker), compileBinding(checker)]);
  await startActor(t, nc, "merger", [migrationPrBinding(await mergerPorts(cfg, nc))]);
  const forge = await openLocalForge(nc, { workDir: cfg.workDir, gatewayUrl: cfg.gatewayUrl });
  return { home, cfg, nc, forge, c: client(t, nc, WorkflowInputs) };
}
