/**
 * Providing the repository's package manager and the commands that install with it. npm comes
 * with Node (the `npm` on the user's PATH, run by the chosen Node). pnpm, Yarn and bun are
 * fetched from the npm registry into patchbay's tool cache — `pnpm`, `yarn` (classic),
 * `@yarnpkg/cli-dist` (Berry), `@oven/bun-<platform>-<arch>` — at the version the repository
 * names, else the newest of the major its lockfile implies; their commands are linked into a
 * `.patchbay-bin` folder that goes on the commands' PATH, so scripts that call `pnpm` find it.
 * (corepack does the same job, but the corepack that ships with Node 20 cannot verify the
 * registry's current signing keys, and any corepack would need its own cache; the registry
 * tarballs are checked against their integrity hash by npm.) Each manager's download cache goes
 * to the shared package cache.
 */
import { chmod, mkdir, symlink } from "node:fs/promises";
import { join } from "node:path";
import type { ManagerName, ManagerSpec } from "./package-manager.ts";
import { fetchPackage, registryVersion } from "./registry-fetch.ts";
import type { ToolCache } from "./registry-fetch.ts";

/** A package manager ready to run. */
export interface ProvidedManager {
  spec: ManagerSpec;
  /** The command (`npm`, `pnpm`, `yarn`, `bun`), found on the commands' PATH. */
  command: string;
  /** The version fetched (undefined for npm). */
  version?: string;
  /** Folder holding the manager's commands, put on PATH. */
  binDir?: string;
}

/** A manager, or why it cannot be provided (the checks that need an install then cannot run). */
export type ManagerChoice = { ok: true; manager: ProvidedManager } | { ok: false; reason: string };

interface RegistryTool {
  pkg: string;
  /** Command name → file inside the package. */
  bins: Record<string, string>;
}

function registryTool(name: Exclude<ManagerName, "npm">, berry: boolean): RegistryTool {
  switch (name) {
    case "pnpm":
      return { pkg: "pnpm", bins: { pnpm: "bin/pnpm.cjs", pnpx: "bin/pnpx.cjs" } };
    case "yarn":
      return berry
        ? { pkg: "@yarnpkg/cli-dist", bins: { yarn: "bin/yarn.js" } }
        : { pkg: "yarn", bins: { yarn: "bin/yarn.js", yarnpkg: "bin/yarn.js" } };
    case "bun":
      return { pkg: `@oven/bun-${process.platform}-${process.arch}`, bins: { bun: "bin/bun", bunx: "bin/bun" } };
    default: {
      const _exhaustive: never = name;
      return _exhaustive;
    }
  }
}

async function linkBins(dir: string, bins: Record<string, string>): Promise<string> {
  const binDir = join(dir, ".patchbay-bin");
  await mkdir(binDir, { recursive: true });
  for (const [command, file] of Object.entries(bins)) {
    await chmod(join(dir, file), 0o755);
    await symlink(join("..", file), join(binDir, command)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== "EEXIST") throw err;
    });
  }
  return binDir;
}

/** Provides the manager `spec` names (fetching it into `cache` unless it is npm). */
export async function provideManager(spec: ManagerSpec, cache: ToolCache | undefined): Promise<ManagerChoice> {
  if (spec.name === "npm") return { ok: true, manager: { spec, command: "npm" } };
  const tool = registryTool(spec.name, spec.berry);
  const wanted = `${tool.pkg}@${spec.range ?? "latest"}`;
  if (cache === undefined) return { ok: false, reason: `${spec.name} (${spec.source}) needs ${wanted}; no tool cache` };
  try {
    const version = await registryVersion(tool.pkg, spec.range ?? "latest", cache);
    if (version === undefined) return { ok: false, reason: `${wanted} is not on the registry (${spec.source})` };
    const binDir = await linkBins(await fetchPackage(cache, tool.pkg, version), tool.bins);
    return { ok: true, manager: { spec, command: spec.name, version, binDir } };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { ok: false, reason: `${spec.name} (${spec.source}) could not be fetched: ${why}` };
  }
}

/** The install command: frozen to the lockfile when there is one. */
export function installArgs(manager: ProvidedManager): string[] {
  const locked = manager.spec.lockfile !== undefined;
  switch (manager.spec.name) {
    case "npm":
      return [locked ? "ci" : "install", "--no-audit", "--no-fund", "--loglevel=error"];
    case "pnpm":
      return ["install", locked ? "--frozen-lockfile" : "--no-frozen-lockfile"];
    case "yarn":
      if (manager.spec.berry) return ["install", locked ? "--immutable" : "--no-immutable"];
      return ["install", "--non-interactive", ...(locked ? ["--frozen-lockfile"] : [])];
    case "bun":
      return ["install", ...(locked ? ["--frozen-lockfile"] : [])];
    default: {
      const _exhaustive: never = manager.spec.name;
      return _exhaustive;
    }
  }
}

/** Where each manager keeps its downloads: inside the shared, writable package cache. */
export function managerCacheEnv(name: ManagerName, packageCache: string | undefined): Record<string, string> {
  if (packageCache === undefined) return {};
  switch (name) {
    case "npm":
      return {};
    case "pnpm":
      return { npm_config_store_dir: join(packageCache, "pnpm-store") };
    case "yarn":
      return { YARN_CACHE_FOLDER: join(packageCache, "yarn"), YARN_GLOBAL_FOLDER: join(packageCache, "yarn-berry") };
    case "bun":
      return { BUN_INSTALL_CACHE_DIR: join(packageCache, "bun") };
    default: {
      const _exhaustive: never = name;
      return _exhaustive;
    }
  }
}
