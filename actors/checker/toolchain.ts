/**
 * The toolchain a repository's commands run with: for a Node repository the Node it declares
 * (node-choice.ts) and its package manager (package-manager.ts, manager-provider.ts); for every
 * repository the user's PATH without patchbay's own runtime. The result is the commands' PATH
 * (the chosen Node's folder first, then the manager's), the variables that point the managers'
 * download caches at the shared package cache, and a one-line description for summaries.
 */
import { homedir } from "node:os";
import { readFile } from "node:fs/promises";
import { delimiter, dirname, join } from "node:path";
import type { ProvidedManager } from "./manager-provider.ts";
import { managerCacheEnv, provideManager } from "./manager-provider.ts";
import { chooseNode } from "./node-choice.ts";
import type { NodeRuntime } from "./node-runtime.ts";
import { describeRuntime, userPath } from "./node-runtime.ts";
import { detectManager } from "./package-manager.ts";
import type { ToolCache } from "./registry-fetch.ts";

type Env = Readonly<Record<string, string | undefined>>;

/** What the repository's commands run with. */
export interface Toolchain {
  /** The commands' PATH. */
  path: string;
  /** Variables for every command (the managers' caches). */
  env: Record<string, string>;
  runtime?: NodeRuntime;
  manager?: ProvidedManager;
  /** Why the declared Node or the package manager could not be provided. */
  problem?: string;
  /** Folders of fetched tools the commands must be able to read. */
  readOnly: string[];
}

/** Where the toolchain's pieces come from. */
export interface ToolchainSources {
  inherit: Env;
  /** The shared package cache (npm's, pnpm's store, yarn's and bun's caches go inside). */
  packageCache?: string;
  /** patchbay's cache of fetched Nodes and package managers. */
  toolCache?: string;
}

/** The tool cache: as given, else `runtimes` beside the package cache, else ~/.cache/patchbay/runtimes. */
function toolCacheDir(sources: ToolchainSources): string {
  if (sources.toolCache !== undefined) return sources.toolCache;
  if (sources.packageCache !== undefined) return join(dirname(sources.packageCache), "runtimes");
  return join(sources.inherit.HOME ?? homedir(), ".cache", "patchbay", "runtimes");
}

async function readPackageJson(dir: string): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = JSON.parse(await readFile(join(dir, "package.json"), "utf8"));
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Prepares the toolchain of the worktree `dir` (`node` when it is a Node repository). */
export async function prepareToolchain(dir: string, node: boolean, sources: ToolchainSources): Promise<Toolchain> {
  const base = await userPath(sources.inherit);
  if (!node) return { path: base, env: {}, readOnly: [] };
  const cache: ToolCache = { dir: toolCacheDir(sources), env: sources.inherit };
  const pkg = await readPackageJson(dir);
  const [choice, managerChoice] = await Promise.all([
    chooseNode(dir, pkg, sources.inherit, cache),
    detectManager(dir, pkg).then((spec) => provideManager(spec, cache)),
  ]);
  const runtime = choice.ok ? choice.runtime : undefined;
  const manager = managerChoice.ok ? managerChoice.manager : undefined;
  const problems = [choice, managerChoice].flatMap((item) => (item.ok ? [] : [item.reason]));
  const front = [runtime ? dirname(runtime.path) : undefined, manager?.binDir].filter((item) => item !== undefined);
  return {
    path: [...front, base].filter(Boolean).join(delimiter),
    env: manager ? managerCacheEnv(manager.spec.name, sources.packageCache) : {},
    ...(runtime ? { runtime } : {}),
    ...(manager ? { manager } : {}),
    ...(problems.length > 0 ? { problem: problems.join("; ") } : {}),
    readOnly: [cache.dir],
  };
}

/** `node 20.20.2 (.nvmrc 20), pnpm 9.15.0 (pnpm-lock.yaml)` for summaries, or undefined. */
export function describeToolchain(toolchain: Toolchain): string | undefined {
  const parts: string[] = [];
  if (toolchain.runtime) parts.push(describeRuntime(toolchain.runtime));
  const manager = toolchain.manager;
  if (manager && manager.spec.name !== "npm")
    parts.push(`${manager.command} ${manager.version} (${manager.spec.source})`);
  return parts.length > 0 ? parts.join(", ") : undefined;
}
