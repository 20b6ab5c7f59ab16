// The model layer end to end with real processes: `patchbay model-server` (the scripted
// OpenAI-compatible server) serves samples/model-scripts; the coordinator and a coder process
// get PATCHBAY_MODEL_* and export traces to a local OTLP receiver; `patchbay start code-patch`
// makes the coder's agent add a function and its test to the bundled sample over six model
// requests, its tests pass and one commit lands. `status`, `show` and `show --task` print the
// usage and the transcript; spans carry the GenAI attributes. Then the API key is looked for
// in everything patchbay wrote: both KV buckets, the HISTORY stream, the artifacts store, every
// process's output and the CLI's, and every span. It is in none of them, while the model
// server's record shows it was sent as the bearer header.
import test, { type ExecutionContext } from "ava";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstream } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { Objm } from "@nats-io/obj";
import type { NatsConnection } from "@nats-io/transport-node";
import { readStream } from "../infra/nats/stream-read.ts";
import { Bucket, Stream } from "../protocol/subjects.ts";
import { materializeSample } from "../services/demo/samples.ts";
import { runCli, spawnCli } from "./helpers/cli.ts";
import { TEST_API_KEY } from "./helpers/model-server.ts";
import { eventually, startTestNats } from "./helpers/nats.ts";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "./helpers/otlp-receiver.ts";
import { ROOT, spawnService } from "./helpers/processes.ts";
import { git } from "./helpers/repos.ts";

/** Every value patchbay stored in NATS, as text. */
async function storedText(nc: NatsConnection): Promise<string> {
  const parts: string[] = [];
  const decoder = new TextDecoder();
  for (const bucket of [Bucket.Sagas, Bucket.Ended]) {
    const kv = await new Kvm(nc).open(bucket);
    for await (const key of await kv.keys()) parts.push(decoder.decode((await kv.get(key))?.value ?? new Uint8Array()));
  }
  for (const msg of await readStream(jetstream(nc), Stream.History))
    parts.push(decoder.decode(msg.data), JSON.stringify(msg.headers ?? {}));
  const store = await new Objm(nc).open(Bucket.Artifacts);
  for (const info of await store.list())
    parts.push(info.name, decoder.decode((await store.getBlob(info.name)) ?? new Uint8Array()));
  return parts.join("\n");
}

/** A nats-server, an OTLP receiver, `patchbay model-server` on samples/model-scripts, a coordinator and a coder given the model. */
async function startModelCluster(t: ExecutionContext, home: string) {
  const nats = await startTestNats(t);
  const receiver = await startOtlpReceiver(t);
  const server = spawnCli(t, ["model-server", "--script", join(ROOT, "samples/model-scripts")], {
    env: { PATCHBAY_HOME: home },
  });
  const baseURL = (await server.waitFor(/at (http:\/\/\S+\/v1)/, "stdout"))[1] ?? "";
  const env = {
    NATS_URL: nats.url,
    PATCHBAY_HOME: home,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    PATCHBAY_MODEL_URL: baseURL,
    PATCHBAY_MODEL: "scripted-coder",
    PATCHBAY_MODEL_API_KEY: TEST_API_KEY,
    PATCHBAY_MODEL_PRICE: "2,8",
  };
  const coordinator = await spawnService(t, "coordinator", "services/coordinator/main.ts", env);
  const coder = await spawnService(t, "coder", "services/coder/main.ts", env);
  return { nats, receiver, baseURL, coordinator, coder };
}

/** The receiver's spans once `count` spans named `name` arrived (polled with a 20 s deadline). */
async function spansWith(receiver: OtlpReceiver, name: string, count: number): Promise<ReceivedSpan[]> {
  return eventually(
    async () => receiver.spans().filter((s) => s.name === name).length >= count && receiver.spans(),
    `${count} ${name} spans`,
  );
}

test("a coder's agent patches the sample through the scripted model; usage, transcript and spans show, the key is nowhere", async (t) => {
  t.timeout(240_000);
  const home = await mkdtemp(join(tmpdir(), "patchbay-model-e2e-"));
  t.teardown(() => rm(home, { recursive: true, force: true }));
  const repo = await materializeSample("notifications", join(home, "repos", "notifications"));
  const { nats, receiver, baseURL, coordinator, coder } = await startModelCluster(t, home);
  const input = JSON.stringify({
    repo: repo.dir,
    instructions: "Add capitalize(text) to src/format.js, with a unit test.",
  });
  const cli = { env: { PATCHBAY_HOME: home, NATS_URL: nats.url }, timeoutMs: 180_000 };
  const started = await runCli(["start", "code-patch", "--id", "patch-e2e", "--input", "-", "--wait", "--json"], {
    ...cli,
    input,
  });
  t.is(started.code, 0, started.stderr);
  const result = JSON.parse(started.stdout) as {
    commit_sha: string;
    files_changed: string[];
    usage: { input_tokens: number };
  };
  t.deepEqual(result.files_changed.sort(), ["src/format.js", "test/unit/format.test.js"]);
  t.is(await git(repo.dir, "rev-parse", "patchbay/patch-patch-e2e"), result.commit_sha);
  t.is(result.usage.input_tokens, 11_265);

  const status = await runCli(["status", "patch-e2e"], cli);
  t.regex(status.stdout, /^usage: 11,265 in \+ 312 out tokens, 6 requests, \$0\.025026$/m);
  const show = await runCli(["show", "patch-e2e"], cli);
  t.regex(show.stdout, /task patch completed \(attempt 1\) — 11,265 in \+ 312 out tokens/);
  const transcript = await runCli(["show", "patch-e2e", "--task", "patch"], cli);
  t.regex(transcript.stdout, /^model scripted-coder: 6 steps/m);
  t.regex(transcript.stdout, /→ run_tests\(\{\}\)\n {4}← \$ npm test\n {6}exit code 0/);

  const spans = await spansWith(receiver, "chat agent", 6);
  const chat = spans.find((s) => s.name === "chat agent");
  t.is(chat?.attributes["gen_ai.request.model"], "scripted-coder");
  t.is(typeof chat?.attributes["gen_ai.usage.input_tokens"], "number");

  const requests = (await (await fetch(`${baseURL.replace(/\/v1$/, "")}/_patchbay/requests`)).json()) as {
    headers: Record<string, string>;
  }[];
  t.is(requests.length, 6);
  t.true(
    requests.every((r) => r.headers.authorization === `Bearer ${TEST_API_KEY}`),
    "the key was in use",
  );
  const written = [
    await storedText(nats.nc),
    coordinator.output(),
    coder.output(),
    started.stdout + started.stderr + status.stdout + show.stdout + transcript.stdout,
    JSON.stringify(spans),
  ];
  t.true(written[0]?.includes("capitalize"), "the stored text holds the transcript");
  t.deepEqual(
    written.map((text) => text.includes(TEST_API_KEY)),
    [false, false, false, false, false],
  );
});
