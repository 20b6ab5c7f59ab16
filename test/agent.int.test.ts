// The coding-agent loop against the scripted model server over real HTTP (openai SDK), on a
// real git repository whose tests run in the sandbox: a two-file change over several tool
// calls with the tests passing, each request extending the previous one (so a prompt cache
// hits); the same call three times and idle steps ending in AGENT_LOOP; a budget spent
// mid-loop ending in BUDGET_EXCEEDED before the tools run; and `../`, absolute and symlink
// escapes each refused back to the model, nothing outside changed.
import test from "ava";
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runAgent, AgentStopped } from "../infra/llm/agent.ts";
import type { RunCommand } from "../infra/llm/agent/tools.ts";
import { ModelClient } from "../infra/llm/client.ts";
import { openingMessages } from "../infra/llm/prompt.ts";
import { runInSandbox } from "../infra/sandbox/index.ts";
import { scriptedModel, settingsFor } from "./helpers/model-server.ts";
import { initRepo, tempDir } from "./helpers/repos.ts";

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});
const register = (fn: () => Promise<void>) => cleanups.push(fn);

const SAMPLE = {
  "package.json": JSON.stringify({ name: "sample", version: "1.0.0", scripts: { test: "node --test" } }),
  "greet.js": "exports.greet = (name) => `Hello, ${name}`;\n",
  "test/greet.test.js":
    "const test = require('node:test');\nconst assert = require('node:assert');\nconst { greet } = require('../greet.js');\n" +
    "test('greets', () => assert.equal(greet('Ada'), 'Hello, Ada'));\n",
};

const run: RunCommand = async (argv, signal) => {
  const [cmd = "", ...args] = argv;
  const r = await runInSandbox({
    cmd,
    args,
    cwd: worktreeOf.current,
    timeoutMs: 60_000,
    maxOutputBytes: 20_000,
    useBwrap: "never",
    ...(signal ? { signal } : {}),
  });
  return { exitCode: r.exitCode, output: `${r.stdoutTail}${r.stderrTail}`, timedOut: r.timedOut };
};
const worktreeOf = { current: "" };

async function sampleRepo(): Promise<string> {
  const root = await tempDir("patchbay-agent-", register);
  const repo = join(root, "repo");
  await initRepo(repo, SAMPLE);
  worktreeOf.current = repo;
  return repo;
}

const opening = (task: string) => openingMessages({ role: "coder", instructions: "Change the code as asked.", task });
const call = (name: string, args: Record<string, unknown>) => ({ name, arguments: args });

test.serial("a two-file change over several tool calls, with the repository's tests passing", async (t) => {
  const repo = await sampleRepo();
  const server = await scriptedModel(
    {
      "coder.json": {
        role: "coder",
        steps: [
          { tool_calls: [call("list_files", {})] },
          { tool_calls: [call("read_file", { path: "greet.js" })] },
          {
            tool_calls: [
              call("edit_file", { path: "greet.js", search: "`Hello, ${name}`", replace: "`Hello, ${name}!`" }),
            ],
          },
          {
            tool_calls: [
              call("edit_file", { path: "test/greet.test.js", search: "'Hello, Ada'", replace: "'Hello, Ada!'" }),
            ],
          },
          { tool_calls: [call("run_tests", {})] },
          { content: "Greeting now ends with an exclamation mark; tests pass." },
        ],
      },
    },
    register,
  );
  const result = await runAgent({
    client: new ModelClient(settingsFor(server)),
    tools: { worktree: repo, run, testCommand: ["node", "--test"] },
    messages: opening("add an exclamation mark to the greeting"),
  });
  t.is(result.answer, "Greeting now ends with an exclamation mark; tests pass.");
  t.is(await readFile(join(repo, "greet.js"), "utf8"), "exports.greet = (name) => `Hello, ${name}!`;\n");
  const tests = result.transcript.steps[4]?.calls[0];
  t.is(tests?.name, "run_tests");
  t.regex(tests?.result ?? "", /exit code 0/);
  t.is(result.transcript.steps.length, 6);
  t.is(result.transcript.usage.requests, 6);
  // A provider's prompt cache can hit: each request starts with the whole previous one, tools included.
  const bodies = server.requests.map((r) => r.body as { messages: unknown[]; tools: unknown[] });
  for (let i = 1; i < bodies.length; i++) {
    const [before, now] = [bodies[i - 1], bodies[i]];
    t.deepEqual(now?.messages.slice(0, before?.messages.length), before?.messages, `request ${i + 1} extends ${i}`);
    t.deepEqual(now?.tools, before?.tools);
  }
  // The tool result of step 2 reached the model with step 3's request.
  t.regex(JSON.stringify(server.requests[2]?.body), /Hello, \$\{name\}/);
});

test.serial("the same tool call three times ends with AGENT_LOOP", async (t) => {
  const repo = await sampleRepo();
  const server = await scriptedModel(
    {
      "coder.json": {
        role: "coder",
        steps: [{ tool_calls: [call("read_file", { path: "greet.js" })] }],
        repeat_last: true,
      },
    },
    register,
  );
  const err = await t.throwsAsync(
    runAgent({
      client: new ModelClient(settingsFor(server)),
      tools: { worktree: repo, run },
      messages: opening("loop"),
    }),
    { instanceOf: AgentStopped },
  );
  t.is(err.code, "AGENT_LOOP");
  t.regex(err.message, /the same call read_file\(\{"path":"greet.js"\}\) 3 times/);
  t.is(server.requests.length, 3);
});

test.serial("steps that change nothing end with AGENT_LOOP", async (t) => {
  const repo = await sampleRepo();
  const steps = [1, 2, 3].map((n) => ({ tool_calls: [call("read_file", { path: "greet.js", start_line: n })] }));
  const server = await scriptedModel({ "coder.json": { role: "coder", steps } }, register);
  const err = await t.throwsAsync(
    runAgent({
      client: new ModelClient(settingsFor(server)),
      tools: { worktree: repo, run },
      messages: opening("idle"),
      limits: { maxIdleSteps: 3 },
    }),
    { instanceOf: AgentStopped },
  );
  t.is(err.code, "AGENT_LOOP");
  t.regex(err.message, /3 steps without a change/);
});

test.serial("a budget spent mid-loop ends with BUDGET_EXCEEDED before the step's tools run", async (t) => {
  const repo = await sampleRepo();
  const usage = { prompt_tokens: 400, completion_tokens: 100 };
  const server = await scriptedModel(
    {
      "coder.json": {
        role: "coder",
        steps: [
          { tool_calls: [call("read_file", { path: "greet.js" })], usage },
          { tool_calls: [call("edit_file", { path: "greet.js", search: "Hello", replace: "Bye" })], usage },
          { content: "done", usage },
        ],
      },
    },
    register,
  );
  const err = await t.throwsAsync(
    runAgent({
      client: new ModelClient(settingsFor(server)),
      tools: { worktree: repo, run },
      messages: opening("spend"),
      budget: { tokens: 800 },
    }),
    { instanceOf: AgentStopped },
  );
  t.is(err.code, "BUDGET_EXCEEDED");
  t.is(err.transcript.usage.input_tokens + err.transcript.usage.output_tokens, 1000);
  t.is(
    await readFile(join(repo, "greet.js"), "utf8"),
    SAMPLE["greet.js"],
    "the edit of the step past the budget did not run",
  );
});

test.serial("../, absolute and symlink escapes are refused back to the model; nothing outside changes", async (t) => {
  const repo = await sampleRepo();
  const outside = join(repo, "..", "outside");
  await mkdir(outside);
  await writeFile(join(outside, "secret.txt"), "untouched\n");
  await symlink(outside, join(repo, "link"));
  const attempts = [
    call("edit_file", { path: "../outside/secret.txt", search: "untouched", replace: "changed" }),
    call("create_file", { path: join(outside, "new.txt"), content: "x" }),
    call("edit_file", { path: "link/secret.txt", search: "untouched", replace: "changed" }),
    call("read_file", { path: "link/secret.txt" }),
    call("delete_file", { path: ".git/HEAD" }),
  ];
  const server = await scriptedModel(
    { "coder.json": { role: "coder", steps: [{ tool_calls: attempts }, { content: "gave up" }] } },
    register,
  );
  const result = await runAgent({
    client: new ModelClient(settingsFor(server)),
    tools: { worktree: repo, run },
    messages: opening("escape"),
  });
  const calls = result.transcript.steps[0]?.calls ?? [];
  t.deepEqual(
    calls.map((c) => c.ok),
    [false, false, false, false, false],
  );
  t.regex(calls[0]?.result ?? "", /climbs out/);
  t.regex(calls[1]?.result ?? "", /is absolute/);
  t.regex(calls[2]?.result ?? "", /symlink/);
  t.regex(calls[3]?.result ?? "", /symlink/);
  t.regex(calls[4]?.result ?? "", /\.git/);
  t.is(await readFile(join(outside, "secret.txt"), "utf8"), "untouched\n");
  t.regex(JSON.stringify(server.requests[1]?.body), /climbs out/, "the refusal went back to the model");
  await t.throwsAsync(readFile(join(outside, "new.txt")));
});

test.serial("a search text that is missing or not unique is an error the model reads", async (t) => {
  const repo = await sampleRepo();
  const server = await scriptedModel(
    {
      "coder.json": {
        role: "coder",
        steps: [
          {
            tool_calls: [
              call("edit_file", { path: "greet.js", search: "Goodbye", replace: "x" }),
              call("edit_file", { path: "test/greet.test.js", search: "Ada", replace: "Bob" }),
            ],
          },
          { content: "stop" },
        ],
      },
    },
    register,
  );
  const result = await runAgent({
    client: new ModelClient(settingsFor(server)),
    tools: { worktree: repo, run },
    messages: opening("edit"),
  });
  const calls = result.transcript.steps[0]?.calls ?? [];
  t.regex(calls[0]?.result ?? "", /search text not found in greet.js/);
  t.regex(calls[1]?.result ?? "", /found 2 times/);
});
