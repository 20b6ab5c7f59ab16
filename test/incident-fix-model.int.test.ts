// The coder's incident.fix beyond the catalogue: the handler run as the actor host runs it on
// the sample service repository, the coder's model the scripted server over real HTTP, its
// transcript in a real nats-server's artifacts store. A `dependency` consensus (no catalogue
// entry) has the coding agent edit config/database.yaml; the one commit holds that edit, an
// alert rule watching the dependency's failures after the sample's rule, and a runbook section
// saying what the model changed; the output reports the agent's usage and transcript, the
// service's own tests pass on the branch, and a redelivery returns the same output without a
// second commit or request. A `retries` consensus (an entry, but no setting in the repository)
// gets the entry's rule; an agent that changes nothing is NO_REMEDIATION with nothing pushed.
import test, { type ExecutionContext } from "ava";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { parse } from "yaml";
import { fixBinding, NO_REMEDIATION } from "../actors/coder/index.ts";
import { createWorkspaces } from "../infra/git/index.ts";
import { ModelClient } from "../infra/llm/client.ts";
import { redactSecret } from "../infra/llm/redact.ts";
import { openArtifacts } from "../infra/nats/artifacts.ts";
import type { FixInput, FixOutput } from "../protocol/incident-swarm.ts";
import type { CauseCategory } from "../protocol/incident.ts";
import { createServiceRepo } from "../services/demo/service-repo.ts";
import { scriptedModel, settingsFor, TEST_API_KEY } from "./helpers/model-server.ts";
import { startTestNats } from "./helpers/nats.ts";
import { git, PATCHBAY_AUTHOR, rawHandler, taskContext, tempDir } from "./helpers/repos.ts";

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});
const register = (fn: () => Promise<void>) => cleanups.push(fn);

const ALERT = {
  id: "alert-001",
  severity: "critical" as const,
  service: "api-service",
  message: "Database connection pool exhausted",
  timestamp: "2024-01-15T14:32:00Z",
  metrics: { active_connections: 100, max_connections: 100 },
};
const BRANCH = "hotfix/alert-001";
const CAUSE = "An upstream dependency is failing";
const TRANSCRIPT = "transcripts/wf-test/1/t1.json";

function fixInput(repo: string, category: CauseCategory): FixInput {
  const consensus = {
    root_cause: CAUSE,
    category,
    confidence: 0.8,
    supporting_diagnoses: ["agent-1"],
    conflicting_diagnoses: [],
    missing: [],
    rule: "majority" as const,
  };
  const evidence = ["the database refuses new connections at 14:31"];
  const diagnoses = [
    { agent: "agent-1", method: "model" as const, root_cause: CAUSE, category, confidence: 0.8, evidence },
  ];
  const context = { alert: ALERT, metrics: {}, series: [], logs: [], changes: [], configs: [], sources: [] };
  return { repo, base: "main", branch: BRANCH, alert: ALERT, consensus, diagnoses, context };
}

const call = (name: string, args: Record<string, unknown>) => ({ name, arguments: args });
const usage = { prompt_tokens: 2000, completion_tokens: 100 };
const RETRY_EDIT = [
  { tool_calls: [call("read_file", { path: "config/database.yaml" })], usage },
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
  { content: "The pool now retries a refused connection after 250 ms instead of failing at once.", usage },
];

async function setUp(t: ExecutionContext, steps: unknown[]) {
  const root = await tempDir("patchbay-incident-model-fix-", register);
  const origin = await createServiceRepo(join(root, "origin"));
  const server = await scriptedModel({ "coder.json": { role: "coder", steps } }, register);
  const { nc } = await startTestNats(t);
  const artifacts = await openArtifacts(nc);
  const workspaces = createWorkspaces({
    cacheDir: join(root, "cache"),
    author: PATCHBAY_AUTHOR,
    allowEnvironment: ["GIT_CONFIG_NOSYSTEM"],
  });
  const model = new ModelClient(settingsFor(server));
  const agent = { model, artifacts, redact: (text: string) => redactSecret(text, TEST_API_KEY) };
  const fix = rawHandler(fixBinding({ workspaces, log: () => undefined, agent }));
  return { root, origin, server, artifacts, fix };
}

const show = (origin: string, file: string) => git(origin, "show", `${BRANCH}:${file}`);

test.serial("a dependency cause: the agent's edit, an alert rule and a runbook section in one commit", async (t) => {
  const { root, origin, server, artifacts, fix } = await setUp(t, RETRY_EDIT);
  const output = (await fix(fixInput(origin, "dependency"), taskContext("incident.fix"))) as FixOutput;
  t.like(output, { changes: [], monitoring: "monitoring/alerts.yml", runbook: "docs/runbooks/dependencies.md" });
  t.deepEqual(output.files_changed, ["config/database.yaml", "docs/runbooks/dependencies.md", "monitoring/alerts.yml"]);
  t.deepEqual(output.usage, { input_tokens: 6000, output_tokens: 300, requests: 3, cost_usd: 0.0144 });
  t.is(output.transcript, TRANSCRIPT);
  t.regex(output.summary, /^The pool now retries a refused connection[\s\S]*catalogue has no remediation/);
  t.regex(await show(origin, "config/database.yaml"), /acquire_timeout_ms: 5000\n {4}connect_retry_ms: 250$/);
  const [, added] = parse(await show(origin, "monitoring/alerts.yml")).groups[0].rules;
  t.like(added, { alert: "ApiServiceDependencyErrors", for: "5m", labels: { severity: "high" } });
  const runbook = await show(origin, "docs/runbooks/dependencies.md");
  t.regex(runbook, /^# Runbook: api-service dependency\n\n## Alert alert-001: An upstream dependency is failing\n/);
  t.regex(runbook, /### Change\n\n- Written by the model[^\n]*: `config\/database\.yaml`\.\n- The pool now retries/);
  t.is(await git(origin, "rev-list", "--count", `main..${BRANCH}`), "1");
  t.regex(
    await git(origin, "log", "-1", "--format=%s%n%b", BRANCH),
    /^hotfix\(api-service\): An upstream[\s\S]*- config\/database\.yaml: changed by the model\n/,
  );
  const transcript = JSON.parse((await artifacts.get(TRANSCRIPT)) ?? "{}");
  t.deepEqual(
    transcript.steps.map((s: { calls: { name: string }[] }) => s.calls.map((c) => c.name).join()),
    ["read_file", "edit_file", ""],
  );
  const task = (server.requests[0]?.body as { messages: { content: string }[] }).messages.at(-1)?.content ?? "";
  t.regex(task, /Root cause \(dependency, confidence 0\.8, majority[\s\S]*agent-1 \(model\): the database refuses/);
  t.regex(task, /no change for it: no remediation for the cause category dependency/);
  await serviceTestsPass(t, root, origin);
  t.deepEqual(await fix(fixInput(origin, "dependency"), taskContext("incident.fix")), output, "a redelivery");
  t.is(await git(origin, "rev-list", "--count", `main..${BRANCH}`), "1", "commits nothing more");
  t.is(server.requests.length, 3, "and asks the model nothing more");
});

/** The service's own tests on a clone of the branch (`node --test`, as incident-fix.int.test.ts runs them). */
async function serviceTestsPass(t: ExecutionContext, root: string, origin: string): Promise<void> {
  const clone = join(root, "clone");
  await git(root, "clone", "--quiet", "--branch", BRANCH, origin, clone);
  const out = await new Promise<{ code: number; text: string }>((resolve) =>
    execFile(process.execPath, ["--test"], { cwd: clone }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, text: `${stdout}${stderr}` }),
    ),
  );
  t.is(out.code, 0, out.text);
}

test.serial("a category whose setting the repository lacks gets the agent's fix and the entry's rule", async (t) => {
  const { origin, fix } = await setUp(t, RETRY_EDIT);
  const output = (await fix(fixInput(origin, "retries"), taskContext("incident.fix"))) as FixOutput;
  t.like(output, { runbook: "docs/runbooks/retries.md", transcript: TRANSCRIPT });
  const [, added] = parse(await show(origin, "monitoring/alerts.yml")).groups[0].rules;
  t.is(added.alert, "ApiServiceRetryStorm");
});

test.serial("an agent that changes nothing: NO_REMEDIATION, nothing pushed, the transcript kept", async (t) => {
  const { origin, artifacts, fix } = await setUp(t, [{ content: "Nothing in this repository can fix it.", usage }]);
  const err = await t.throwsAsync(fix(fixInput(origin, "bad-change"), taskContext("incident.fix")));
  t.is((err as { code?: string }).code, NO_REMEDIATION);
  t.regex(err.message, /the model changed nothing: Nothing in this repository/);
  t.is(await git(origin, "ls-remote", origin, `refs/heads/${BRANCH}`), "");
  t.truthy(await artifacts.get(TRANSCRIPT));
});
