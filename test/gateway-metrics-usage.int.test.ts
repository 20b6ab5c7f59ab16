// The gateway's model metrics on a real run: code-patch on a real nats-server, its coder task in
// process on a real git repository, the model the scripted server over real HTTP. The tokens,
// requests and cost `GET /metrics` reports for the type equal the usage the record added up.
import test from "ava";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { patchBinding } from "../actors/coder/index.ts";
import { createWorkspaces } from "../infra/git/index.ts";
import { ModelClient } from "../infra/llm/client.ts";
import { redactSecret } from "../infra/llm/redact.ts";
import { openArtifacts } from "../infra/nats/artifacts.ts";
import { runInSandbox } from "../infra/sandbox/index.ts";
import { WorkflowInputs } from "../protocol/workflows.ts";
import { WorkflowRegistry, builtinWorkflows } from "../services/coordinator/index.ts";
import { serveMetrics, startMetrics } from "../services/gateway/metrics.ts";
import { scriptedModel, settingsFor, TEST_API_KEY } from "./helpers/model-server.ts";
import { startTestNats } from "./helpers/nats.ts";
import { parseMetrics, valueOf } from "./helpers/prometheus.ts";
import { initRepo, PATCHBAY_AUTHOR, tempDir } from "./helpers/repos.ts";
import { client, startActor, startCoordinator } from "./helpers/runtime.ts";

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
const usage = { prompt_tokens: 300, completion_tokens: 50 };
const ONE_EDIT = [
  {
    tool_calls: [
      {
        name: "edit_file",
        arguments: { path: "greet.js", search: "exports.greet", replace: "// Greets.\nexports.greet" },
      },
    ],
    usage,
  },
  { content: "greet.js has a comment.", usage },
];

test("the model tokens, requests and cost of a code-patch run are the usage its record added up", async (t) => {
  const root = await tempDir("patchbay-metrics-usage-", register);
  const repo = join(root, "repo");
  await initRepo(repo, SAMPLE);
  const model = await scriptedModel({ "coder.json": { role: "coder", steps: ONE_EDIT } }, register);
  const registry = new WorkflowRegistry(builtinWorkflows);
  const { nc } = await startTestNats(t, { roles: [...registry.roles().keys()] });
  await startCoordinator(t, nc, registry);
  const ports = {
    workspaces: createWorkspaces({ cacheDir: join(root, "work"), author: PATCHBAY_AUTHOR }),
    run: runInSandbox,
    now: Date.now,
    log: (line: string) => t.log(line),
    model: new ModelClient(settingsFor(model)),
    redact: (text: string) => redactSecret(text, TEST_API_KEY),
    artifacts: await openArtifacts(nc),
  };
  await startActor(t, nc, "coder", [patchBinding(ports)]);
  const c = client(t, nc, WorkflowInputs);
  const metrics = await startMetrics(nc, c);
  const server = createServer((_req, res) => void serveMetrics(metrics, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.teardown(async () => {
    metrics.stop();
    await new Promise((resolve) => server.close(resolve));
  });

  await c.start("code-patch", { repo, instructions: "comment the greeting" }, { id: "patch-1" });
  const rec = await c.wait("patch-1", 60_000);
  t.is(rec.status, "completed", JSON.stringify(rec.error));
  t.deepEqual(rec.usage, { input_tokens: 600, output_tokens: 100, requests: 2, cost_usd: 0.002 });
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
  const m = parseMetrics(await res.text());
  const type = "code-patch";
  t.is(valueOf(m, "patchbay_model_tokens_total", { type, kind: "input" }), rec.usage?.input_tokens);
  t.is(valueOf(m, "patchbay_model_tokens_total", { type, kind: "output" }), rec.usage?.output_tokens);
  t.is(valueOf(m, "patchbay_model_requests_total", { type }), rec.usage?.requests);
  t.is(valueOf(m, "patchbay_model_cost_usd_total", { type }), rec.usage?.cost_usd);
  t.is(
    valueOf(m, "patchbay_task_duration_seconds_count", { role: "coder", kind: "code.patch", outcome: "settled" }),
    1,
  );
});
