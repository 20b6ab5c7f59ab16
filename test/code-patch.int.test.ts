// The code-patch workflow on a real nats-server, its coder task in-process on a real git
// repository, the model the scripted server over real HTTP (openai SDK): the agent edits two
// files over several tool calls, the repository's tests pass, one commit lands on the new
// branch, and the usage is in the result, the record and the transcript artifact. A budget
// spent mid-loop fails the workflow with BUDGET_EXCEEDED and nothing is committed (the
// coordinator's side of budgets is in budget.unit.test.ts).
import test, { type ExecutionContext } from "ava";
import { join } from "node:path";
import { patchBinding, type PatchPorts } from "../actors/coder/index.ts";
import { createWorkspaces } from "../infra/git/index.ts";
import { ModelClient } from "../infra/llm/client.ts";
import { redactSecret } from "../infra/llm/redact.ts";
import { openArtifacts } from "../infra/nats/artifacts.ts";
import { runInSandbox } from "../infra/sandbox/index.ts";
import { WorkflowInputs } from "../protocol/workflows.ts";
import { WorkflowRegistry, builtinWorkflows } from "../services/coordinator/index.ts";
import { scriptedModel, settingsFor, TEST_API_KEY } from "./helpers/model-server.ts";
import { startTestNats } from "./helpers/nats.ts";
import { git, initRepo, PATCHBAY_AUTHOR, tempDir } from "./helpers/repos.ts";
import { client, startActor, startCoordinator } from "./helpers/runtime.ts";
import type { NatsConnection } from "@nats-io/transport-node";

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});
const register = (fn: () => Promise<void>) => cleanups.push(fn);

const SAMPLE = {
  "package.json": JSON.stringify({ name: "sample", version: "1.0.0", scripts: { test: "node --test" } }),
  ".gitignore": "node_modules/\n",
  "greet.js": "exports.greet = (name) => `Hello, ${name}`;\n",
  "test/greet.test.js":
    "const test = require('node:test');\nconst assert = require('node:assert');\nconst { greet } = require('../greet.js');\n" +
    "test('greets', () => assert.equal(greet('Ada'), 'Hello, Ada'));\n",
};
const call = (name: string, args: Record<string, unknown>) => ({ name, arguments: args });
const usage = { prompt_tokens: 300, completion_tokens: 50 };
const TWO_FILE_CHANGE = [
  { tool_calls: [call("read_file", { path: "greet.js" })], usage },
  {
    tool_calls: [call("edit_file", { path: "greet.js", search: "`Hello, ${name}`", replace: "`Hello, ${name}!`" })],
    usage,
  },
  {
    tool_calls: [call("edit_file", { path: "test/greet.test.js", search: "'Hello, Ada'", replace: "'Hello, Ada!'" })],
    usage,
  },
  { tool_calls: [call("run_tests", {})], usage },
  { content: "The greeting ends with an exclamation mark; its test says so too.", usage },
];

async function setUp(t: ExecutionContext, steps: unknown[]) {
  const root = await tempDir("patchbay-code-patch-", register);
  const repo = join(root, "repo");
  await initRepo(repo, SAMPLE);
  const server = await scriptedModel({ "coder.json": { role: "coder", steps } }, register);
  const reg = new WorkflowRegistry(builtinWorkflows);
  const { nc } = await startTestNats(t, { roles: [...reg.roles().keys()] });
  await startCoordinator(t, nc, reg);
  const log: string[] = [];
  await startActor(t, nc, "coder", [patchBinding(await ports(nc, join(root, "work"), server, log))]);
  return { repo, server, nc, log, c: client(t, nc, WorkflowInputs) };
}

async function ports(
  nc: NatsConnection,
  work: string,
  server: { baseURL: string },
  log: string[],
): Promise<PatchPorts> {
  return {
    workspaces: createWorkspaces({
      cacheDir: work,
      author: PATCHBAY_AUTHOR,
      allowEnvironment: ["GIT_CONFIG_NOSYSTEM"],
    }),
    run: runInSandbox,
    now: Date.now,
    log: (line) => log.push(line),
    model: new ModelClient(settingsFor(server)),
    redact: (text) => redactSecret(text, TEST_API_KEY),
    artifacts: await openArtifacts(nc),
  };
}

test.serial(
  "a coder task edits two files, the tests pass, one commit lands with its usage and transcript",
  async (t) => {
    const { repo, server, nc, c } = await setUp(t, TWO_FILE_CHANGE);
    await c.start("code-patch", { repo, instructions: "end the greeting with an exclamation mark" }, { id: "patch-1" });
    const rec = await c.wait("patch-1", 60_000);
    t.is(rec.status, "completed", JSON.stringify(rec.error));
    const result = rec.result as {
      commit_sha: string;
      files_changed: string[];
      usage: { input_tokens: number };
      tests: { passed: boolean };
      transcript: string;
      branch: string;
    };
    t.deepEqual(result.files_changed.sort(), ["greet.js", "test/greet.test.js"]);
    t.true(result.tests.passed);
    t.is(result.branch, "patchbay/patch-patch-1");
    t.is(await git(repo, "rev-parse", "patchbay/patch-patch-1"), result.commit_sha);
    t.is(await git(repo, "rev-list", "--count", "main..patchbay/patch-patch-1"), "1", "one commit");
    t.is(await git(repo, "show", "patchbay/patch-patch-1:greet.js"), "exports.greet = (name) => `Hello, ${name}!`;");
    t.deepEqual(result.usage, { input_tokens: 1500, output_tokens: 250, requests: 5, cost_usd: 0.005 });
    t.deepEqual(rec.usage, result.usage, "the record adds the task's usage up");
    const transcript = JSON.parse((await (await openArtifacts(nc)).get(result.transcript)) ?? "{}");
    t.is(transcript.steps.length, 5);
    t.is(transcript.steps[3].calls[0].name, "run_tests");
    t.is(server.requests.length, 5);
  },
);

test.serial("a budget spent mid-loop fails the workflow with BUDGET_EXCEEDED and commits nothing", async (t) => {
  const { repo, c } = await setUp(t, TWO_FILE_CHANGE);
  await c.start(
    "code-patch",
    { repo, instructions: "end the greeting", budget: { max_tokens: 1000 } },
    { id: "patch-2" },
  );
  const rec = await c.wait("patch-2", 60_000);
  t.is(rec.status, "failed");
  t.is(rec.error?.code, "BUDGET_EXCEEDED");
  t.regex(rec.error?.message ?? "", /budget spent at step 3: 1050 tokens used of the 1000 left/);
  t.is(await git(repo, "branch", "--list", "patchbay/*"), "", "no branch was pushed");
});
