/**
 * Where the gateway of a NATS is: each gateway process writes its public URL (its
 * PATCHBAY_GATEWAY_URL, the base of every `pr_url`) under the key `gateway` of that NATS's
 * `forge` bucket when it starts, and the CLI builds its links from it. So a CLI talking to one
 * `up` prints that up's gateway, not whatever PATCHBAY_GATEWAY_URL or port 7070 would say
 * (which may be another `up`). The key has no dot, so it never meets a repository's keys
 * (`<repoKey>.seq`, `.pr.<n>`, `.issue.<n>`).
 */
import type { NatsConnection } from "@nats-io/transport-node";
import { Kvm } from "@nats-io/kv";
import { z } from "zod";
import { Bucket } from "../../protocol/subjects.ts";

/** The key of the announcement in the `forge` bucket. */
const KEY = "gateway";

const Announcement = z.object({ url: z.url(), at: z.number() });

/** Records `url` as the gateway of `nc`'s NATS (the last gateway started wins). */
export async function announceGateway(nc: NatsConnection, url: string, now = Date.now()): Promise<void> {
  const kv = await new Kvm(nc).open(Bucket.Forge);
  await kv.put(KEY, JSON.stringify(Announcement.parse({ url, at: now })));
}

/** The URL the gateway of `nc`'s NATS announced; undefined when none did (or it cannot be read). */
export async function announcedGatewayUrl(nc: NatsConnection): Promise<string | undefined> {
  try {
    const entry = await (await new Kvm(nc).open(Bucket.Forge)).get(KEY);
    if (!entry || entry.operation !== "PUT") return undefined;
    return Announcement.parse(entry.json()).url;
  } catch {
    return undefined;
  }
}
