/**
 * The scripted model server for tests: scripts written to a temp dir, loaded by the same
 * loader as `patchbay model-server --script`, served on a free port; and model settings
 * pointing at it with a recognisable fake key, so that leak checks can grep for it.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ModelSettings } from "../../infra/llm/settings.ts";
import { loadScripts } from "../../infra/llm/scripted/script.ts";
import { startScriptedServer, type ScriptedServer } from "../../infra/llm/scripted/server.ts";

/** A key no real provider issued, long enough to be redacted and easy to grep. */
export const TEST_API_KEY = "sk-test-PATCHBAY-LEAK-CANARY-5f0c2b7e";

/** Writes `scripts` (file name → script) to a temp dir and serves them; `cleanup` registers the stop. */
export async function scriptedModel(
  scripts: Record<string, unknown>,
  cleanup: (fn: () => Promise<void>) => void,
): Promise<ScriptedServer & { dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), "patchbay-scripts-"));
  cleanup(() => rm(dir, { recursive: true, force: true }));
  for (const [name, script] of Object.entries(scripts))
    await writeFile(join(dir, name), JSON.stringify(script, null, 2));
  const server = await startScriptedServer(await loadScripts(dir));
  cleanup(() => server.close());
  return { ...server, dir };
}

/** Settings for `server`'s model, with the test key and quick timeouts. */
export function settingsFor(server: { baseURL: string }, over: Partial<ModelSettings> = {}): ModelSettings {
  return {
    baseURL: server.baseURL,
    apiKey: TEST_API_KEY,
    model: "scripted-model",
    price: { input: 2, output: 8 },
    timeoutMs: 5_000,
    maxRetries: 2,
    ...over,
  };
}
