/**
 * The repositories the local forge knows: one per index record (`<repoKey>.seq`) in the `forge`
 * bucket, each with its key (the URL segment of its pages) and its path or URL.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import { Kvm } from "@nats-io/kv";
import { ForgeKey } from "../../infra/forge/keys.ts";
import { Bucket } from "../../protocol/subjects.ts";
import type { ForgePages } from "./forge-routes.ts";
import { repoPath } from "./forge-html.ts";

/** One repository of the forge and where its pages are. */
export interface ForgeRepo {
  /** The key in every URL of the repository (`<name>-<hash>`). */
  key: string;
  /** The repository's normalised path or URL. */
  repo: string;
  /** Path of its pull request list page. */
  pulls: string;
  /** Path of its issue list page. */
  issues: string;
}

/** Lists the forge's repositories, sorted by path or URL. */
export type RepoLister = () => Promise<ForgeRepo[]>;

/** A {@link RepoLister} over the `forge` bucket of `nc`. */
export async function forgeRepoLister(nc: NatsConnection, forge: Pick<ForgePages, "repoOfKey">): Promise<RepoLister> {
  const kv = await new Kvm(nc).open(Bucket.Forge);
  const suffix = ForgeKey.index("");
  return async () => {
    const keys: string[] = [];
    for await (const k of await kv.keys(ForgeKey.index("*"))) keys.push(k.slice(0, -suffix.length));
    const repos = await Promise.all(
      keys.map(async (key) => {
        const repo = await forge.repoOfKey(key);
        return repo === undefined
          ? []
          : [{ key, repo, pulls: `${repoPath(key)}/pulls`, issues: `${repoPath(key)}/issues` }];
      }),
    );
    return repos.flat().sort((a, b) => a.repo.localeCompare(b.repo));
  };
}
