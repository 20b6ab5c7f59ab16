/**
 * The demo's model step: `code-patch` on the bundled sample, its coder's model the scripted
 * model server (samples/model-scripts; no model runs, and the demo says so), then the result,
 * the usage and the transcript as `status` and `show --task` print them.
 */
import { join } from "node:path";
import { loadScripts } from "../../infra/llm/scripted/script.ts";
import { startScriptedServer, type ScriptedServer } from "../../infra/llm/scripted/server.ts";
import type { PatchbayClient } from "../../infra/client/index.ts";
import { outcomeError } from "../../infra/client/index.ts";
import type { Transcript } from "../../infra/llm/agent.ts";
import { PatchOutput } from "../../protocol/code-patch.ts";
import { transcriptLines, usageText } from "./transcript.ts";
import { ROOT } from "./up.ts";

/** The scripts the demo's model answers from. */
export const DEMO_SCRIPTS = join(ROOT, "samples", "model-scripts");
const INSTRUCTIONS = "Add capitalize(text) to src/format.js, with a unit test.";

/** The scripted model server of the demo, and the environment that points the coder at it. */
export async function startDemoModel(): Promise<{ server: ScriptedServer; env: Record<string, string> }> {
  const server = await startScriptedServer(await loadScripts(DEMO_SCRIPTS));
  return {
    server,
    env: { PATCHBAY_MODEL_URL: server.baseURL, PATCHBAY_MODEL: "scripted", PATCHBAY_MODEL_PRICE: "2,8" },
  };
}

/** Runs code-patch on `repo` and prints what it did. */
export async function codePatchOnSample(client: PatchbayClient, repo: string, model: ScriptedServer): Promise<void> {
  const id = `demo-patch-${Date.now()}`;
  console.log(
    `\n$ patchbay start code-patch --id ${id} --wait   # {"repo": "${repo}", "instructions": "${INSTRUCTIONS}"}`,
  );
  console.log(
    `  (scripted: the coder's model is patchbay model-server at ${model.baseURL} answering from ${DEMO_SCRIPTS}; no model runs)`,
  );
  await client.start("code-patch", { repo, instructions: INSTRUCTIONS }, { id });
  const rec = await client.wait(id, 5 * 60_000);
  const error = outcomeError(rec);
  if (error) {
    console.log(`code-patch ${rec.status}: ${error.code} ${error.message}`);
    return;
  }
  const result = PatchOutput.parse(rec.result);
  console.log(`  commit ${result.commit_sha.slice(0, 8)} on ${result.branch}: ${result.files_changed.join(", ")}`);
  console.log(`  tests: ${result.tests?.command ?? "none"} ${result.tests?.passed ? "passed" : "failed"}`);
  console.log(`  usage: ${usageText(result.usage)}`);
  console.log(`\n$ patchbay show ${id} --task patch`);
  const transcript = await client.transcript(id, rec.run, "patch");
  if (transcript !== undefined)
    for (const line of transcriptLines(JSON.parse(transcript) as Transcript)) console.log(line);
}
