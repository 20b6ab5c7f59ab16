/**
 * The Node version a repository declares, as its maintainers' tools read it: `.nvmrc`, then
 * `.node-version`, then `volta.node` in package.json, then `engines.node`. Each becomes a
 * semver range the installed Nodes are matched against; a full version (`20.11.0`) matches its
 * whole major (nvm users get exactly that version, but any release of the major gives the same
 * verdict far more often than a different major does) and is preferred when installed as-is.
 * Aliases: `lts/<codename>` is that codename's major, `lts/*` any even (LTS) major, `node`,
 * `stable`, `latest` and `current` any version; `system` means the user's own Node.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import semver from "semver";

/** What the repository asks for. */
export interface DeclaredNode {
  /** Where it is declared: `.nvmrc`, `.node-version`, `volta`, `engines`. */
  source: ".nvmrc" | ".node-version" | "volta" | "engines";
  /** The text as written. */
  text: string;
  /** The semver range installed Nodes must satisfy; undefined means the user's own Node (`system`). */
  range?: string;
  /** A full version to prefer (and to fetch) when declared as one. */
  exact?: string;
  /** Only even majors (lts/*). */
  ltsOnly?: boolean;
}

/** LTS codenames nvm understands, by major. */
const LTS_CODENAMES: Record<string, number> = {
  argon: 4,
  boron: 6,
  carbon: 8,
  dubnium: 10,
  erbium: 12,
  fermium: 14,
  gallium: 16,
  hydrogen: 18,
  iron: 20,
  jod: 22,
  krypton: 24,
};

const ANY_VERSION = new Set(["node", "stable", "latest", "current", "*"]);

/** Turns a version file's text (`20`, `v20.11.0`, `lts/iron`, `>=18`) into a declaration. */
export function parseVersionText(source: DeclaredNode["source"], raw: string): DeclaredNode | undefined {
  // A version file holds one word (a comment may follow); engines holds a whole range.
  const word = source === "engines" ? raw.trim() : (raw.trim().split(/\s+/)[0] ?? "");
  const text = word.replace(/^v(?=\d)/, "");
  if (text === "") return undefined;
  const lower = text.toLowerCase();
  if (lower === "system") return { source, text };
  if (ANY_VERSION.has(lower)) return { source, text, range: "*" };
  if (lower.startsWith("lts/")) return ltsDeclaration(source, text, lower.slice(4));
  const exact = semver.valid(text) ?? undefined;
  if (exact !== undefined) return { source, text, range: `${semver.major(exact)}.x`, exact };
  const range = semver.validRange(text) ?? undefined;
  return range === undefined ? undefined : { source, text, range };
}

function ltsDeclaration(source: DeclaredNode["source"], text: string, name: string): DeclaredNode | undefined {
  if (name === "*" || name === "latest") return { source, text, range: "*", ltsOnly: true };
  const major = LTS_CODENAMES[name];
  return major === undefined ? undefined : { source, text, range: `${major}.x` };
}

async function readFirstLine(path: string): Promise<string | undefined> {
  const text = await readFile(path, "utf8").catch(() => undefined);
  return text?.split("\n").find((line) => line.trim() !== "" && !line.trim().startsWith("#"));
}

/** The declaration of the repository in `dir`, if it makes one. */
export async function declaredNode(
  dir: string,
  pkg: Record<string, unknown> | undefined,
): Promise<DeclaredNode | undefined> {
  for (const source of [".nvmrc", ".node-version"] as const) {
    const line = await readFirstLine(join(dir, source));
    const declared = line === undefined ? undefined : parseVersionText(source, line);
    if (declared !== undefined) return declared;
  }
  const volta = (pkg?.volta as { node?: unknown } | undefined)?.node;
  if (typeof volta === "string") {
    const declared = parseVersionText("volta", volta);
    if (declared !== undefined) return declared;
  }
  const engines = (pkg?.engines as { node?: unknown } | undefined)?.node;
  return typeof engines === "string" ? parseVersionText("engines", engines) : undefined;
}

/** Whether `version` satisfies the declaration. */
export function satisfies(version: string, declared: DeclaredNode): boolean {
  if (declared.range === undefined) return true;
  if (declared.ltsOnly === true && semver.major(version) % 2 === 1) return false;
  return semver.satisfies(version, declared.range, { includePrerelease: false });
}

/** The major to fetch when nothing installed satisfies the declaration, if one can be named. */
export function wantedVersion(declared: DeclaredNode, available: readonly string[]): string | undefined {
  if (declared.exact !== undefined && available.includes(declared.exact)) return declared.exact;
  const candidates = available.filter((version) => semver.valid(version) !== null && satisfies(version, declared));
  return semver.maxSatisfying(candidates, declared.range ?? "*") ?? undefined;
}

/** `.nvmrc 20`-style words for summaries. */
export function describeDeclared(declared: DeclaredNode): string {
  return `${declared.source} ${declared.text}`;
}
