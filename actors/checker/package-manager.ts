/**
 * The repository's package manager, as its maintainers use it: the `packageManager` field of
 * package.json (`pnpm@9.15.0+sha512…`) wins; else the lockfile tells — `pnpm-lock.yaml` (its
 * `lockfileVersion` names the pnpm major), `yarn.lock` (Yarn Berry when it has a `__metadata`
 * block or a `.yarnrc.yml` sits beside it, else Yarn classic), `bun.lock`/`bun.lockb`,
 * `package-lock.json`/`npm-shrinkwrap.json`; else npm. Only reads files.
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";

/** The managers patchbay can install with. */
export type ManagerName = "npm" | "pnpm" | "yarn" | "bun";

/** Which manager, which version of it, and how that was told. */
export interface ManagerSpec {
  name: ManagerName;
  /** Version or range to provide (`9.15.0`, `9`, `1`); undefined for npm, which comes with Node. */
  range?: string;
  /** Yarn 2+ (Berry). */
  berry: boolean;
  /** The lockfile, when there is one. */
  lockfile?: string;
  /** `packageManager pnpm@9.15.0` or `pnpm-lock.yaml`, for summaries. */
  source: string;
}

const LOCKFILES: [string, ManagerName][] = [
  ["pnpm-lock.yaml", "pnpm"],
  ["yarn.lock", "yarn"],
  ["bun.lock", "bun"],
  ["bun.lockb", "bun"],
  ["npm-shrinkwrap.json", "npm"],
  ["package-lock.json", "npm"],
];

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function firstLockfile(dir: string): Promise<[string, ManagerName] | undefined> {
  for (const entry of LOCKFILES) if (await exists(join(dir, entry[0]))) return entry;
  return undefined;
}

/** pnpm's lockfileVersion → the pnpm major that writes it. */
export function pnpmMajorOf(lockfileText: string): string {
  const match = /^lockfileVersion:\s*['"]?(\d+)(?:\.(\d+))?/m.exec(lockfileText);
  const major = match === null ? 9 : Number(match[1]);
  if (major >= 9) return "9";
  if (major === 6) return "8";
  return match?.[2] !== undefined && Number(match[2]) >= 4 ? "7" : "6";
}

async function isBerry(dir: string): Promise<boolean> {
  if (await exists(join(dir, ".yarnrc.yml"))) return true;
  const head = (await readFile(join(dir, "yarn.lock"), "utf8").catch(() => "")).slice(0, 2000);
  return /^__metadata:/m.test(head);
}

/** `pnpm@9.15.0+sha512.…` → name and version, when it names a manager patchbay knows. */
function parsePackageManagerField(value: unknown): { name: ManagerName; version: string } | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^(npm|pnpm|yarn|bun)@([^+\s]+)/.exec(value.trim());
  return match === null ? undefined : { name: match[1] as ManagerName, version: match[2] };
}

/** Detects the package manager of the Node repository in `dir`. */
export async function detectManager(dir: string, pkg: Record<string, unknown> | undefined): Promise<ManagerSpec> {
  const lock = await firstLockfile(dir);
  const field = parsePackageManagerField(pkg?.packageManager);
  const name = field?.name ?? lock?.[1] ?? "npm";
  const lockfile = lock !== undefined && lock[1] === name ? lock[0] : undefined;
  const berry = name === "yarn" && (field !== undefined ? !field.version.startsWith("1.") : await isBerry(dir));
  const source = field !== undefined ? `packageManager ${field.name}@${field.version}` : (lockfile ?? "no lockfile");
  return { name, range: field?.version ?? (await defaultRange(dir, name, berry)), berry, lockfile, source };
}

async function defaultRange(dir: string, name: ManagerName, berry: boolean): Promise<string | undefined> {
  switch (name) {
    case "pnpm":
      return pnpmMajorOf(await readFile(join(dir, "pnpm-lock.yaml"), "utf8").catch(() => ""));
    case "yarn":
      return berry ? "4" : "1";
    case "bun":
      return "1";
    case "npm":
      return undefined;
    default: {
      const _exhaustive: never = name;
      return _exhaustive;
    }
  }
}
