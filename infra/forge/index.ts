/**
 * The forge (docs/forge.md): the interface every forge implements, and the local forge — real git
 * remotes on disk, pull request and issue records in the `forge` KV bucket, pages served by
 * the gateway. See docs/forge.md.
 */
import { join } from "node:path";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { Bucket } from "../../protocol/subjects.ts";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import { createWorkspaces } from "../git/index.ts";
import type { GitIdentity } from "../git/index.ts";
import { LocalForge } from "./local.ts";

export { LocalForge } from "./local.ts";
export type { LocalForgeOptions } from "./local.ts";
export { REPO_KEY_PATTERN, repoRef } from "./keys.ts";
export type { BranchFile } from "./files.ts";
export type { RepoRef } from "./keys.ts";
export type * from "./types.ts";

/** The identity of patchbay's merge commits unless one is given. */
export const DEFAULT_FORGE_AUTHOR: GitIdentity = { name: "patchbay", email: "patchbay@localhost.invalid" };

/** What {@link openLocalForge} needs: values from `infra/config.ts`. */
export interface OpenLocalForgeOptions {
  /** PATCHBAY_WORK_DIR: the git cache is `<workDir>/git`. */
  workDir: string;
  /** PATCHBAY_GATEWAY_URL: the base of every `pr_url`. */
  gatewayUrl: string;
  author?: GitIdentity;
  /** Ambient GIT_* variables git may see. */
  allowEnvironment?: readonly string[];
}

/**
 * The local forge over the provisioned `forge` bucket of `nc`, with its git cache under
 * `<workDir>/git`. NOT_FOUND when the bucket was never provisioned (no patchbay process ran).
 */
export async function openLocalForge(nc: NatsConnection, options: OpenLocalForgeOptions): Promise<LocalForge> {
  const kv = await new Kvm(nc).open(Bucket.Forge);
  try {
    await kv.status();
  } catch (err) {
    throw new TerminalError(
      ErrorCode.NotFound,
      `KV bucket '${Bucket.Forge}' not found: start patchbay (up) once to provision it`,
      { cause: err },
    );
  }
  const author = options.author ?? DEFAULT_FORGE_AUTHOR;
  const allowEnvironment = options.allowEnvironment ?? [];
  const workspaces = createWorkspaces({ cacheDir: forgeCacheDir(options.workDir), author, allowEnvironment });
  return new LocalForge({ kv, workspaces, gatewayUrl: options.gatewayUrl, author, allowEnvironment });
}

/** Where the local forge keeps its clone cache under the work dir. */
export function forgeCacheDir(workDir: string): string {
  return join(workDir, "git");
}
