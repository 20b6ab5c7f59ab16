/** Publishing a batch of messages with deterministic ids (an outbox, a task result). */
import type { NatsConnection } from "@nats-io/transport-node";
import type { JetStreamClient } from "@nats-io/jetstream";
import { encode } from "../../protocol/codec.ts";
import type { Envelope } from "../../protocol/envelope.ts";
import { toHeaders } from "./connect.ts";

/** Publishes every message concurrently; rejects if any JetStream publish is refused. */
export async function publishAll(nc: NatsConnection, js: JetStreamClient, msgs: readonly Envelope[]): Promise<void> {
  await Promise.all(msgs.map((m) => publishOne(nc, js, m)));
}

async function publishOne(nc: NatsConnection, js: JetStreamClient, m: Envelope): Promise<void> {
  const data = encode(m.payload);
  const headers = toHeaders(m.headers);
  if (m.core) {
    nc.publish(m.subject, data, headers ? { headers } : undefined);
    return;
  }
  await js.publish(m.subject, data, { ...(m.msg_id ? { msgID: m.msg_id } : {}), ...(headers ? { headers } : {}) });
}
