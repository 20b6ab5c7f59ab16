/**
 * `patchbay model-server --script <dir> [--port N] [--host H]`: the scripted model server
 * (infra/llm/scripted), an OpenAI-compatible HTTP endpoint that answers from the JSON scripts
 * in `<dir>`. No model runs: it is for tests, CI and the offline demo. It prints its base URL
 * (the value for PATCHBAY_MODEL_URL) and serves until SIGINT/SIGTERM.
 */
import type { Command } from "commander";
import { resolve } from "node:path";
import { exitWithError } from "../../infra/process.ts";
import { loadScripts } from "../../infra/llm/scripted/script.ts";
import { startScriptedServer } from "../../infra/llm/scripted/server.ts";
import { parseFlag } from "../../infra/config.ts";
import { z } from "zod";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";

interface ModelServerOptions {
  script: string;
  port?: string;
  host: string;
}

async function serve(o: ModelServerOptions): Promise<void> {
  const port = parseFlag("--port", o.port ?? "0", z.coerce.number().int().min(0).max(65_535));
  const scripts = await loadScripts(resolve(o.script)).catch((err: Error) => {
    throw new TerminalError(ErrorCode.ConfigInvalid, `--script ${o.script}: ${err.message}`);
  });
  const server = await startScriptedServer(scripts, port, o.host);
  console.log(`scripted model server (no model runs) at ${server.baseURL}, ${scripts.length} script(s)`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

/** Registers `model-server`. */
export function registerModelServerCommand(program: Command): void {
  program
    .command("model-server")
    .description("serve an OpenAI-compatible endpoint answering from script files (tests and offline demo)")
    .requiredOption("--script <dir>", "folder of *.json scripts (format: infra/llm/scripted/script.ts)")
    .option("--port <n>", "port (default: a free one, printed)")
    .option("--host <host>", "address to bind", "127.0.0.1")
    .action((o: ModelServerOptions) => serve(o).catch(exitWithError));
}
