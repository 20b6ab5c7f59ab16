/**
 * Choosing the Node for a repository: its declaration (node-version.ts) matched against the
 * installed Nodes (node-runtime.ts), else fetched from the npm registry into patchbay's cache
 * (node-fetch.ts); without a declaration, the `node` on the user's PATH.
 */
import { fetchNode } from "./node-fetch.ts";
import type { RuntimeChoice } from "./node-runtime.ts";
import { installedNodes, pickNode } from "./node-runtime.ts";
import { declaredNode, describeDeclared } from "./node-version.ts";
import type { ToolCache } from "./registry-fetch.ts";

/** Chooses (and fetches if needed) the Node the repository in `dir` runs on. */
export async function chooseNode(
  dir: string,
  pkg: Record<string, unknown> | undefined,
  inherit: Readonly<Record<string, string | undefined>>,
  cache: ToolCache | undefined,
): Promise<RuntimeChoice> {
  const declared = await declaredNode(dir, pkg);
  const installed = await installedNodes(inherit, cache?.dir);
  const picked = pickNode(installed, declared);
  if (picked.ok || declared?.range === undefined) return picked;
  if (cache === undefined) return { ok: false, reason: `${picked.reason}; no cache to fetch one into` };
  const fetched = await fetchNode(declared, cache);
  if (!fetched.ok) return { ok: false, reason: `${picked.reason}; ${fetched.reason}` };
  return {
    ok: true,
    runtime: { ...fetched.node, reason: `${describeDeclared(declared)}, fetched from the npm registry` },
  };
}
