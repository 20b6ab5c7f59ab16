/** The ports each actor role's main builds from the configuration (docs/architecture.md, "Actors": only mains read config). */
import { hostname } from "node:os";
import { join } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Config } from "../infra/config.ts";
import { createWorkspaces, type Workspaces } from "../infra/git/index.ts";
import { createAnalysisPool } from "../infra/analysis/index.ts";
import { runInSandbox, type SandboxOptions, type SandboxResult } from "../infra/sandbox/index.ts";
import { inSpan } from "../infra/telemetry/tracing.ts";
import { openLocalForge } from "../infra/forge/index.ts";
import type { CheckerPorts } from "../actors/checker/index.ts";
import type { AutofixPorts, FixAgent, FixPorts, MigrationPorts, PatchPorts } from "../actors/coder/index.ts";
import type { ArchitectPorts } from "../actors/architect/index.ts";
import type { PlannerPorts } from "../actors/planner/index.ts";
import { codemodRegistry, type CodemodRegistry } from "../infra/codemods/registry.ts";
import { loadCodemodModules } from "../infra/codemods/modules.ts";
import { ModelClient } from "../infra/llm/client.ts";
import { redactSecret } from "../infra/llm/redact.ts";
import { modelSettingsFor } from "../infra/llm/settings.ts";
import { openArtifacts } from "../infra/nats/artifacts.ts";
import type { MergerPorts } from "../actors/merger/index.ts";
import type { DiagnoserPorts } from "../actors/diagnoser/index.ts";

/** Runs a repository's command in the sandbox, inside a `command <name>` span of the current task. */
function tracedRun(opts: SandboxOptions): Promise<SandboxResult> {
  return inSpan(
    `command ${opts.cmd.split("/").pop()}`,
    undefined,
    { "command.args": opts.args.join(" ").slice(0, 200), "command.cwd": opts.cwd },
    async (span) => {
      const result = await runInSandbox(opts);
      span.setAttributes({
        "command.exit_code": result.exitCode ?? -1,
        "command.timed_out": result.timedOut,
        "command.duration_ms": result.durationMs,
      });
      return result;
    },
  );
}

/** npm's cache shared by the repository commands of this machine. */
function packageCacheOf(cfg: Config): string {
  return join(cfg.workDir, "npm-cache");
}

/** The shared git cache of this machine's processes (locked per repository). */
export function workspacesOf(cfg: Config, role: string): Workspaces {
  return createWorkspaces({
    cacheDir: join(cfg.workDir, "git"),
    author: cfg.gitAuthor,
    onWarning: (m) => console.error(`[${role}] git: ${m}`),
  });
}

/** Ports of the checker: git, the analysis pool, the sandbox. */
export function checkerPorts(cfg: Config): CheckerPorts {
  return {
    workspaces: workspacesOf(cfg, "checker"),
    analysis: createAnalysisPool(),
    run: tracedRun,
    now: Date.now,
    log: (l) => console.error(`[checker] ${l}`),
    runner: `${hostname()}:${process.pid}`,
    packageCache: packageCacheOf(cfg),
  };
}

/** Ports of the coder's auto-fix. */
export function coderPorts(cfg: Config): AutofixPorts {
  return {
    workspaces: workspacesOf(cfg, "coder"),
    run: tracedRun,
    now: Date.now,
    log: (l) => console.error(`[coder] ${l}`),
    packageCache: packageCacheOf(cfg),
  };
}

/** The coder's model (PATCHBAY_MODEL_*) with the artifacts store and the key's redaction; undefined without a model. */
async function coderAgent(nc: NatsConnection): Promise<FixAgent | undefined> {
  const settings = modelSettingsFor("coder");
  if (settings === undefined) return undefined;
  const redact = (text: string) => redactSecret(text, settings.apiKey);
  return { model: new ModelClient(settings), artifacts: await openArtifacts(nc), redact };
}

/**
 * Ports of the coder's incident fix: auto-fix's workspaces and log; with a model
 * (PATCHBAY_MODEL_*), the coding agent's model and the artifacts store, for fixes beyond the catalogue.
 */
export async function fixPorts(cfg: Config, nc: NatsConnection): Promise<FixPorts> {
  const { workspaces, log } = coderPorts(cfg);
  const agent = await coderAgent(nc);
  return { workspaces, log, ...(agent ? { agent } : {}) };
}

/** The built-in codemods and those of PATCHBAY_CODEMODS. */
export async function codemodsOf(cfg: Config): Promise<CodemodRegistry> {
  return codemodRegistry(await loadCodemodModules(cfg.codemodModules));
}

/** Ports of the coder's migration steps: auto-fix's workspaces and log, the codemods; with a model, the agent for the leftovers. */
export async function migrationPorts(cfg: Config, nc: NatsConnection): Promise<MigrationPorts> {
  const { workspaces, log } = coderPorts(cfg);
  const agent = await coderAgent(nc);
  return { workspaces, log, codemods: await codemodsOf(cfg), ...(agent ? { agent } : {}) };
}

/** Ports of the architect: git, the analysis pool, the artifacts store, its model (from PATCHBAY_MODEL_*). */
export async function architectPorts(cfg: Config, nc: NatsConnection): Promise<ArchitectPorts> {
  const settings = modelSettingsFor("architect");
  return {
    workspaces: workspacesOf(cfg, "architect"),
    analysis: createAnalysisPool(),
    artifacts: await openArtifacts(nc),
    ...(settings ? { model: new ModelClient(settings) } : {}),
    now: Date.now,
    log: (l) => console.error(`[architect] ${l}`),
  };
}

/** Ports of the planner: the codemods (migration plans) and its model (from PATCHBAY_MODEL_*, plan-patch-pr's issues). */
export async function plannerPorts(cfg: Config): Promise<PlannerPorts> {
  const settings = modelSettingsFor("planner");
  return { codemods: await codemodsOf(cfg), ...(settings ? { model: new ModelClient(settings) } : {}) };
}

/** Ports of the merger: the local forge and git. */
export async function mergerPorts(cfg: Config, nc: NatsConnection): Promise<MergerPorts> {
  const forge = await openLocalForge(nc, { workDir: cfg.workDir, gatewayUrl: cfg.gatewayUrl, author: cfg.gitAuthor });
  return { forge, workspaces: workspacesOf(cfg, "merger") };
}

/** Ports of the coder's patch task: auto-fix's, plus its model (from PATCHBAY_MODEL_*) and the artifacts store. */
export async function patchPorts(cfg: Config, nc: NatsConnection): Promise<PatchPorts> {
  const settings = modelSettingsFor("coder");
  return {
    ...coderPorts(cfg),
    ...(settings ? { model: new ModelClient(settings) } : {}),
    redact: (text) => (settings ? redactSecret(text, settings.apiKey) : text),
    artifacts: await openArtifacts(nc),
  };
}

/** Ports of the diagnoser: git for the service repository, HTTP for Prometheus and Loki, its model (from PATCHBAY_MODEL_*). */
export function diagnoserPorts(cfg: Config): DiagnoserPorts {
  const settings = modelSettingsFor("diagnoser");
  return {
    workspaces: workspacesOf(cfg, "diagnoser"),
    ...(settings ? { model: new ModelClient(settings) } : {}),
    fetch: globalThis.fetch,
    now: Date.now,
    log: (l) => console.error(`[diagnoser] ${l}`),
  };
}
