// incident-swarm with a fix the model writes, end to end on a real nats-server, every role
// in-process with its real ports (services/role-ports.ts), the diagnoser's and the coder's model
// the scripted server over real HTTP, on the sample service repository. Example 2's alert: the
// offline methods find nothing, the model diagnoser says a failing dependency; the catalogue has
// no remediation for it, so the coding agent edits config/database.yaml on the hotfix branch;
// the checker runs the repository's own tests there, the PR names the model's change, the
// severity is auto-merged, verified, and the workflow's usage adds the diagnosis and the agent's.
import test from "ava";
import { join } from "node:path";
import { diagnoserBindings } from "../actors/diagnoser/index.ts";
import { fixBinding } from "../actors/coder/index.ts";
import { checkBinding, verifyBinding } from "../actors/checker/index.ts";
import { mergeBinding, openPrBinding, postmortemBinding } from "../actors/merger/index.ts";
import { loadConfig } from "../infra/config.ts";
import { openLocalForge } from "../infra/forge/index.ts";
import { ModelClient } from "../infra/llm/client.ts";
import { redactSecret } from "../infra/llm/redact.ts";
import { openArtifacts } from "../infra/nats/artifacts.ts";
import type { IncidentResult } from "../protocol/incident-swarm.ts";
import { WorkflowInputs } from "../protocol/workflows.ts";
import { WorkflowRegistry, builtinWorkflows } from "../services/coordinator/index.ts";
import { SEED_ALERTS, createServiceRepo } from "../services/demo/service-repo.ts";
import { checkerPorts, diagnoserPorts, fixPorts, mergerPorts } from "../services/role-ports.ts";
import { scriptedModel, settingsFor, TEST_API_KEY } from "./helpers/model-server.ts";
import { startTestNats } from "./helpers/nats.ts";
import { git, tempDir } from "./helpers/repos.ts";
import { client, startActor, startCoordinator } from "./helpers/runtime.ts";

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});
const register = (fn: () => Promise<void>) => cleanups.push(fn);

const usage = { prompt_tokens: 1000, completion_tokens: 100 };
const call = (name: string, args: Record<string, unknown>) => ({ name, arguments: args });
const DIAGNOSIS = {
  root_cause: "The database behind the recommendations refuses connections",
  category: "dependency",
  confidence: 0.9,
  evidence: ["max_connections: 100", "HTTP_TIMEOUT_MS=3000"],
};
const AGENT = [
  {
    tool_calls: [
      call("edit_file", {
        path: "config/database.yaml",
        search: "    acquire_timeout_ms: 5000\n",
        replace: "    acquire_timeout_ms: 5000\n    connect_retry_ms: 250\n",
      }),
    ],
    usage,
  },
  { content: "A refused connection is retried after 250 ms.", usage },
];

test("a dependency cause beyond the catalogue: the agent's fix, the repository's tests, the merge", async (t) => {
  t.timeout(300_000);
  const home = await tempDir("patchbay-incident-model-fix-", register);
  const repo = await createServiceRepo(join(home, "repos", "api-service"));
  const server = await scriptedModel(
    {
      "diagnose.json": { role: "diagnoser", match: "Diagnose its root cause", steps: [{ content: DIAGNOSIS, usage }] },
      "coder.json": { role: "coder", match: "Write a hotfix", steps: AGENT },
    },
    register,
  );
  const cfg = { ...loadConfig({ PATCHBAY_HOME: home }), gatewayUrl: "http://127.0.0.1:7070" };
  const reg = new WorkflowRegistry(builtinWorkflows);
  const { nc } = await startTestNats(t, { roles: [...reg.roles().keys()] });
  await startCoordinator(t, nc, reg);
  const model = new ModelClient(settingsFor(server));
  await startActor(t, nc, "diagnoser", diagnoserBindings({ ...diagnoserPorts(cfg), model }));
  const redact = (text: string) => redactSecret(text, TEST_API_KEY);
  const agent = { model, artifacts: await openArtifacts(nc), redact };
  await startActor(t, nc, "coder", [fixBinding({ ...(await fixPorts(cfg, nc)), agent })]);
  const checker = checkerPorts(cfg);
  t.teardown(() => checker.analysis.close());
  await startActor(t, nc, "checker", [checkBinding(checker), verifyBinding(checker)]);
  const merger = await mergerPorts(cfg, nc);
  await startActor(t, nc, "merger", [openPrBinding(merger), mergeBinding(merger), postmortemBinding(merger)]);
  const c = client(t, nc, WorkflowInputs);
  const input = {
    alert: SEED_ALERTS.latency,
    repo,
    num_diagnostic_agents: 2,
    model_diagnosers: 1,
    confidence_threshold: 0.2,
    auto_merge_severities: ["high"],
  };
  await c.start("incident-swarm", input, { id: "mf-1" });
  const rec = await c.wait("mf-1", 240_000);
  t.is(rec.status, "completed", JSON.stringify(rec.error));
  const result = rec.result as IncidentResult;
  t.like(result.consensus, { category: "dependency", rule: "highest" });
  t.like(result, { fix_applied: true, merged: true, rollback_performed: false });
  t.regex(await git(repo, "show", "main:config/database.yaml"), /connect_retry_ms: 250/);
  t.regex(await git(repo, "show", "main:docs/runbooks/dependencies.md"), /## Alert alert-perf-002: /);
  const [pr] = await openLocalForge(nc, { workDir: cfg.workDir, gatewayUrl: cfg.gatewayUrl }).then((f) =>
    f.listPullRequests(repo),
  );
  t.regex(
    pr?.body ?? "",
    /written by the model [^\n]*`config\/database\.yaml`; transcript `transcripts\/mf-1\/1\/fix\.json`/,
  );
  const postmortem = await git(repo, "show", "patchbay/postmortem-alert-perf-002:docs/postmortems/alert-perf-002.md");
  t.regex(postmortem, /the fix's tests passed/);
  t.like(rec.usage, { input_tokens: 3000, output_tokens: 300, requests: 3 }, "the diagnosis and the agent's two steps");
});
