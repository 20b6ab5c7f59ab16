// The demo's scripts of plan-patch-pr's seed examples (samples/model-scripts) hold together on
// the sample notifications repository: each issue the planner's script gives is done by the
// real code.patch binding with the coder's script for it (matched by `Issue <id>:`, the first
// line of the decider's instructions), the agent's edits apply to the repository as it is,
// the repository's tests pass in the sandbox, and the commit changes exactly the issue's files.
// Example 1's four branches then merge without a conflict and the tests pass on the result.
import test from "ava";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { join } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import { patchBinding } from "../actors/coder/index.ts";
import { createWorkspaces } from "../infra/git/index.ts";
import { ModelClient } from "../infra/llm/client.ts";
import { loadScripts } from "../infra/llm/scripted/script.ts";
import { startScriptedServer, type ScriptedServer } from "../infra/llm/scripted/server.ts";
import { openArtifacts } from "../infra/nats/artifacts.ts";
import { connectNats } from "../infra/nats/connect.ts";
import { startNatsServer } from "../infra/nats/launcher.ts";
import { provision } from "../infra/nats/provision.ts";
import { runInSandbox } from "../infra/sandbox/index.ts";
import type { PatchOutput } from "../protocol/code-patch.ts";
import type { PlanIssue } from "../protocol/plan-patch-pr.ts";
import { materializeSample } from "../services/demo/samples.ts";
import { settingsFor } from "./helpers/model-server.ts";
import { git, PATCHBAY_AUTHOR, rawHandler, taskContext, tempDir } from "./helpers/repos.ts";

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});
const register = (fn: () => Promise<void>) => cleanups.push(fn);

let nc: NatsConnection;
let root: string;
let repo: string;
let model: ScriptedServer;

test.before(async () => {
  root = await tempDir("patchbay-plan-scripts-", register);
  const server = await startNatsServer({ storeDir: join(root, "nats") });
  register(() => server.stop());
  nc = await connectNats({ url: server.url, name: "test-plan-scripts" });
  register(() => nc.close());
  await provision(nc, { roles: ["coder"] });
  repo = (await materializeSample("notifications", join(root, "notifications"))).dir;
  model = await startScriptedServer(await loadScripts("samples/model-scripts"));
  register(() => model.close());
});

function plannedIssues(script: string): PlanIssue[] {
  const text = readFileSync(join("samples/model-scripts", script), "utf8");
  return JSON.parse(text).steps[0].content.issues as PlanIssue[];
}

async function patch(issue: PlanIssue): Promise<PatchOutput> {
  const binding = patchBinding({
    workspaces: createWorkspaces({
      cacheDir: join(root, `cache-${issue.id}`),
      author: PATCHBAY_AUTHOR,
      allowEnvironment: ["GIT_CONFIG_NOSYSTEM"],
    }),
    run: runInSandbox,
    now: Date.now,
    log: () => undefined,
    model: new ModelClient(settingsFor(model)),
    redact: (text) => text,
    artifacts: await openArtifacts(nc),
  });
  const instructions = [
    `Issue ${issue.id}: ${issue.title}`,
    issue.description,
    `Files: ${issue.files_to_modify.join(", ")}`,
  ].join("\n\n");
  const ctx = taskContext("code.patch");
  const task = { ...ctx.task, task_id: `patch-${issue.id}`, timeout_ms: 600_000 };
  const input = { repo, base: "main", branch: `patchbay/test-${issue.id}`, instructions, max_steps: 30 };
  return (await rawHandler(binding)(input, {
    ...ctx,
    task,
    idempotencyKey: `wf-test/1/patch-${issue.id}`,
  })) as PatchOutput;
}

const cases = [
  ...plannedIssues("planner-profile-page.json").map((issue) => ({ example: 1, issue })),
  ...plannedIssues("planner-memory-leak.json").map((issue) => ({ example: 2, issue })),
];

for (const { example, issue } of cases) {
  test.serial(
    `example ${example}, issue ${issue.id}: its coder's script passes the tests and commits its files`,
    async (t) => {
      const out = await patch(issue);
      t.true(out.tests?.passed, out.tests?.tail);
      t.deepEqual([...out.files_changed].sort(), [...issue.files_to_modify].sort());
      t.is(await git(repo, "rev-list", "--count", `main..patchbay/test-${issue.id}`), "1");
      t.true(out.summary.length > 0);
    },
  );
}

test.serial("example 1's four branches merge without a conflict, and the tests pass on the result", async (t) => {
  const ids = plannedIssues("planner-profile-page.json").map((i) => `patchbay/test-${i.id}`);
  const merged = join(root, "merged");
  await git(root, "clone", "--quiet", repo, merged);
  for (const branch of ids) await git(merged, "fetch", "--quiet", "origin", `${branch}:${branch}`);
  await git(merged, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "merge", "--quiet", "--no-edit", ...ids);
  const { stdout } = await promisify(execFile)("npm", ["test"], { cwd: merged, timeout: 120_000 });
  const suites = [...stdout.matchAll(/ℹ tests (\d+)\nℹ suites 0\nℹ pass (\d+)\nℹ fail 0\n/g)];
  t.is(suites.length, 2, "the unit and the integration suites pass");
  t.true(Number(suites[0]?.[1]) > 36, "the sample's 36 unit tests and the issues' new ones");
  t.is(suites[1]?.[1], "9", "the integration tests");
});
