/**
 * The Node a repository's commands run on: never patchbay's own runtime
 * (`process.execPath`), but the one the repository declares (node-version.ts) among the Nodes
 * installed on the machine — the user's PATH, /usr/bin, /usr/local/bin, nvm, volta, fnm, n,
 * asdf, and patchbay's cache of fetched Nodes — else the `node` on the user's PATH. A declared
 * version that nothing installed satisfies is fetched from the npm registry into the cache
 * (node-fetch.ts). The chosen Node's directory goes first on the commands' PATH, and the
 * directories that hold patchbay's own runtime (its `node_modules/.bin` under npx) are taken off.
 */
import { execFile } from "node:child_process";
import { readdir, realpath, stat } from "node:fs/promises";
import { delimiter, join } from "node:path";
import semver from "semver";
import type { DeclaredNode } from "./node-version.ts";
import { describeDeclared, satisfies } from "./node-version.ts";

/** One Node binary and its version. */
export interface NodeBinary {
  /** The `node` file (not resolved: its directory goes on PATH). */
  path: string;
  version: string;
}

/** The Node chosen for a repository. */
export interface NodeRuntime extends NodeBinary {
  /** Why this one: `.nvmrc 20`, `engines >=18`, `the user's PATH`, `fetched for .nvmrc 22`. */
  reason: string;
}

/** The choice, or why there is none. */
export type RuntimeChoice = { ok: true; runtime: NodeRuntime } | { ok: false; reason: string };

type Env = Readonly<Record<string, string | undefined>>;

const versions = new Map<string, Promise<string | undefined>>();

/** `node --version` of a binary (cached per real path and modification time). */
export async function nodeVersion(path: string): Promise<string | undefined> {
  const real = await realpath(path).catch(() => undefined);
  const info = real === undefined ? undefined : await stat(real).catch(() => undefined);
  if (real === undefined || info === undefined || !info.isFile()) return undefined;
  const key = `${real}@${info.mtimeMs}`;
  let version = versions.get(key);
  if (version === undefined) {
    version = new Promise((resolve) =>
      execFile(path, ["--version"], { timeout: 10_000 }, (err, stdout) =>
        resolve(err ? undefined : (semver.valid(stdout.trim()) ?? undefined)),
      ),
    );
    versions.set(key, version);
  }
  return version;
}

let ownRuntime: Promise<string> | undefined;

/** The real path of patchbay's own Node, which repository commands never run on. */
function ownNode(): Promise<string> {
  return (ownRuntime ??= realpath(process.execPath).catch(() => process.execPath));
}

async function isOwnNode(path: string): Promise<boolean> {
  const real = await realpath(path).catch(() => undefined);
  return real !== undefined && real === (await ownNode());
}

/** The user's PATH without the directories whose `node` is patchbay's own runtime. */
export async function userPath(inherit: Env): Promise<string> {
  const dirs = (inherit.PATH ?? "/usr/local/bin:/usr/bin:/bin").split(delimiter).filter(Boolean);
  const kept: string[] = [];
  for (const dir of dirs) if (!(await isOwnNode(join(dir, "node")))) kept.push(dir);
  return kept.join(delimiter);
}

async function subdirs(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).map((name) => join(dir, name));
}

/** Where version managers and patchbay's cache keep Nodes, as `…/bin/node` candidates. */
async function managedNodes(inherit: Env, cacheDir: string | undefined): Promise<string[]> {
  const home = inherit.HOME ?? "";
  const roots: [string, string][] = [
    [join(inherit.NVM_DIR ?? join(home, ".nvm"), "versions/node"), "bin/node"],
    [join(inherit.VOLTA_HOME ?? join(home, ".volta"), "tools/image/node"), "bin/node"],
    [join(inherit.FNM_DIR ?? join(home, ".local/share/fnm"), "node-versions"), "installation/bin/node"],
    [join(inherit.N_PREFIX ?? "/usr/local", "n/versions/node"), "bin/node"],
    [join(home, ".asdf/installs/nodejs"), "bin/node"],
  ];
  if (cacheDir !== undefined) roots.push([cacheDir, "bin/node"]);
  const found: string[] = [];
  for (const [root, bin] of roots) {
    if (home === "" && !root.startsWith("/")) continue;
    for (const dir of await subdirs(root)) found.push(join(dir, bin));
  }
  return found;
}

/** Every Node on the machine but patchbay's own, the user's PATH ones first, deduplicated by real path. */
export async function installedNodes(inherit: Env, cacheDir?: string): Promise<NodeBinary[]> {
  const onPath = (await userPath(inherit)).split(delimiter).map((dir) => join(dir, "node"));
  const candidates = [...onPath, "/usr/bin/node", "/usr/local/bin/node", ...(await managedNodes(inherit, cacheDir))];
  const seen = new Set<string>([await ownNode()]);
  const found: NodeBinary[] = [];
  for (const path of candidates) {
    const real = await realpath(path).catch(() => undefined);
    if (real === undefined || seen.has(real)) continue;
    seen.add(real);
    const version = await nodeVersion(path);
    if (version !== undefined) found.push({ path, version });
  }
  return found;
}

/**
 * Picks the Node for a declaration among `installed` (the user's PATH ones first): an installed
 * exact version, else the user's PATH Node when it satisfies, else the newest that does.
 * Without a declaration (or with `system`) the first Node of the user's PATH.
 */
export function pickNode(installed: readonly NodeBinary[], declared: DeclaredNode | undefined): RuntimeChoice {
  if (declared === undefined || declared.range === undefined) {
    const first = installed[0];
    if (first === undefined) return { ok: false, reason: "no Node installed besides patchbay's own runtime" };
    const why = declared === undefined ? "PATH, none declared" : describeDeclared(declared);
    return { ok: true, runtime: { ...first, reason: why } };
  }
  const reason = describeDeclared(declared);
  const exact = installed.find((node) => node.version === declared.exact);
  if (exact !== undefined) return { ok: true, runtime: { ...exact, reason } };
  const matching = installed.filter((node) => satisfies(node.version, declared));
  if (matching.length === 0)
    return {
      ok: false,
      reason: `no installed Node satisfies ${reason} (installed: ${installed.map((node) => node.version).join(", ") || "none"})`,
    };
  const best = matching[0] === installed[0] ? matching[0] : semverMax(matching);
  return { ok: true, runtime: { ...best, reason } };
}

function semverMax(nodes: readonly NodeBinary[]): NodeBinary {
  return [...nodes].sort((a, b) => semver.rcompare(a.version, b.version))[0];
}

/** `node 20.20.2 (.nvmrc 20)` for summaries. */
export function describeRuntime(runtime: NodeRuntime): string {
  return `node ${runtime.version} (${runtime.reason})`;
}
