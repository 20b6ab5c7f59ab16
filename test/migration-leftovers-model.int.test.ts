// A migration step's leftovers handed to the coder's model: a real git repository, a codemod
// that rewrites `var` and lists each `.substr(` it cannot migrate, the scripted model server
// editing the listed line, and the artifacts store on a real nats-server. The step's one commit
// holds the codemod's and the model's edits, the output reports the usage and the transcript, a
// second delivery answers the stored output without a model request, a model that loops fails
// the step with AGENT_LOOP and one past the task's budget with BUDGET_EXCEEDED, pushing nothing,
// and without a model nothing changes.
import test, { type ExecutionContext } from "ava";
import { join } from "node:path";
import { migrationBindings, type MigrationPorts } from "../actors/coder/index.ts";
import type { Codemod } from "../infra/codemods/codemod.ts";
import { codemodRegistry } from "../infra/codemods/registry.ts";
import { loadConfig } from "../infra/config.ts";
import { ModelClient } from "../infra/llm/client.ts";
import { redactSecret } from "../infra/llm/redact.ts";
import { openArtifacts, transcriptName } from "../infra/nats/artifacts.ts";
import { coderPorts } from "../services/role-ports.ts";
import { scriptedModel, settingsFor, TEST_API_KEY } from "./helpers/model-server.ts";
import { startTestNats } from "./helpers/nats.ts";
import { git, initRepo, rawHandler, taskContext, tempDir } from "./helpers/repos.ts";

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

/** `var` → `const`; every `.substr(` is a leftover. */
const legacyText: Codemod = {
  id: "legacy-text",
  description: "var → const; lists .substr( uses",
  matches: (path) => path.endsWith(".js"),
  scan: () => [],
  apply: (source, file) => ({
    source: source.replaceAll("var ", "const "),
    changes: source.split("var ").length - 1,
    leftovers: source
      .split("\n")
      .flatMap((text, i) =>
        text.includes(".substr(")
          ? [{ file, line: i + 1, api: "String.prototype.substr", message: "deprecated: use slice" }]
          : [],
      ),
  }),
};

const PROJECT = {
  "lib/text.js": "var head = function (s) {\n  return s.substr(0, 3);\n};\nmodule.exports = { head: head };\n",
};

const EDIT = {
  role: "coder",
  match: "String.prototype.substr",
  steps: [
    {
      tool_calls: [
        { name: "edit_file", arguments: { path: "lib/text.js", search: "s.substr(0, 3)", replace: "s.slice(0, 3)" } },
      ],
      usage: { prompt_tokens: 900, completion_tokens: 40 },
    },
    { content: "Replaced s.substr(0, 3) with s.slice(0, 3).", usage: { prompt_tokens: 1000, completion_tokens: 20 } },
  ],
};

const LOOP = {
  role: "coder",
  match: "String.prototype.substr",
  steps: [{ tool_calls: [{ name: "read_file", arguments: { path: "lib/text.js" } }] }],
  repeat_last: true,
};

async function setUp(t: ExecutionContext, script: object | undefined) {
  const home = await tempDir("patchbay-leftovers-", (fn) => cleanups.push(fn));
  const repo = join(home, "repos", "fixture");
  const base = await initRepo(repo, PROJECT);
  const ports: MigrationPorts = {
    ...coderPorts(loadConfig({ PATCHBAY_HOME: home })),
    codemods: codemodRegistry([legacyText]),
  };
  const input = {
    repo,
    base: "main",
    branch: "patchbay/migrate-text",
    parent_sha: base,
    step: { id: "text", title: "modern strings", codemods: ["legacy-text"], validate: true },
    index: 1,
    total: 1,
  };
  if (script === undefined) return { repo, input, ports };
  const { nc } = await startTestNats(t);
  const server = await scriptedModel({ "coder.json": script }, (fn) => cleanups.push(fn));
  const artifacts = await openArtifacts(nc);
  const agent = {
    model: new ModelClient(settingsFor(server)),
    artifacts,
    redact: (text: string) => redactSecret(text, TEST_API_KEY),
  };
  return { repo, input, ports: { ...ports, agent }, server, artifacts };
}

test.serial("the model migrates the leftovers in the step's commit; a redelivery does not ask it again", async (t) => {
  const { repo, input, ports, server, artifacts } = await setUp(t, EDIT);
  const [step] = migrationBindings(ports);
  const first = await rawHandler(step!)(input, taskContext("migration.step"));
  t.like(first, {
    files_changed: ["lib/text.js"],
    changes: { "legacy-text": 1 },
    leftovers: [{ file: "lib/text.js", line: 2, api: "String.prototype.substr", message: "deprecated: use slice" }],
    handed_to_model: true,
    model_files: ["lib/text.js"],
    usage: { input_tokens: 1900, output_tokens: 60, requests: 2 },
    transcript: transcriptName("wf-test", 1, "t1"),
  });
  t.is(
    await git(repo, "show", "patchbay/migrate-text:lib/text.js"),
    "const head = function (s) {\n  return s.slice(0, 3);\n};\nmodule.exports = { head: head };",
  );
  t.is(await git(repo, "rev-list", "--count", "main..patchbay/migrate-text"), "1");
  const prompt = JSON.stringify(server!.requests[0]?.body);
  t.regex(prompt, /lib\/text\.js:2 String\.prototype\.substr: deprecated: use slice/);
  t.regex(prompt, /modern strings/);
  const transcript = (await artifacts!.get(transcriptName("wf-test", 1, "t1"))) ?? "";
  t.regex(transcript, /s\.slice\(0, 3\)/);
  t.false(transcript.includes(TEST_API_KEY));
  const asked = server!.requests.length;
  const again = await rawHandler(step!)(input, taskContext("migration.step"));
  t.deepEqual(again, first);
  t.is(server!.requests.length, asked, "the redelivery asked the model nothing");
  t.is(await git(repo, "rev-list", "--count", "main..patchbay/migrate-text"), "1");
});

test.serial("a model that loops fails the step with AGENT_LOOP and pushes nothing", async (t) => {
  const { repo, input, ports, artifacts } = await setUp(t, LOOP);
  const [step] = migrationBindings(ports);
  const err = await t.throwsAsync(rawHandler(step!)(input, taskContext("migration.step")));
  t.is((err as { code?: string }).code, "AGENT_LOOP");
  t.is(await git(repo, "branch", "--list", "patchbay/*"), "");
  t.truthy(await artifacts!.get(transcriptName("wf-test", 1, "t1")), "the transcript is kept");
});

test.serial("without a model the leftovers are only listed", async (t) => {
  const { repo, input, ports } = await setUp(t, undefined);
  const [step] = migrationBindings(ports);
  const out = await rawHandler(step!)(input, taskContext("migration.step"));
  t.like(out, { files_changed: ["lib/text.js"], leftovers: [{ file: "lib/text.js", line: 2 }] });
  t.false("handed_to_model" in (out as object) || "usage" in (out as object));
  t.is(
    await git(repo, "show", "patchbay/migrate-text:lib/text.js"),
    "const head = function (s) {\n  return s.substr(0, 3);\n};\nmodule.exports = { head: head };",
  );
});

test.serial("the task's budget bounds the model: BUDGET_EXCEEDED fails the step and pushes nothing", async (t) => {
  const { repo, input, ports, server } = await setUp(t, EDIT);
  const [step] = migrationBindings(ports);
  const ctx = taskContext("migration.step");
  const err = await t.throwsAsync(rawHandler(step!)(input, { ...ctx, task: { ...ctx.task, budget: { tokens: 500 } } }));
  t.is((err as { code?: string }).code, "BUDGET_EXCEEDED");
  t.is(server!.requests.length, 1);
  t.is(await git(repo, "branch", "--list", "patchbay/*"), "");
});
