// Proves provisioning against a real nats-server: many processes may provision at once
// (idempotent), everything the runtime needs exists afterwards, and a stream or consumer whose
// configuration drifted from what the code expects is reported as CONFIG_DRIFT naming the
// difference instead of being used silently.
import test from "ava";
import { jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { startTestNats } from "./helpers/nats.ts";
import { connectNats } from "../infra/nats/connect.ts";
import { provision } from "../infra/nats/provision.ts";
import { Bucket, Consumer, Stream } from "../protocol/subjects.ts";

test("eight concurrent provisions succeed and create every stream, consumer and bucket", async (t) => {
  const { url } = await startTestNats(t);
  const conns = await Promise.all(Array.from({ length: 8 }, (_, i) => connectNats({ url, name: `p${i}` })));
  t.teardown(() => Promise.all(conns.map((c) => c.close())));
  await Promise.all(conns.map((nc) => provision(nc)));
  const jsm = await jetstreamManager(conns[0]);
  for (const s of [Stream.Workflows, Stream.History, Stream.Tasks, Stream.Timers, Stream.Dlq])
    t.truthy(await jsm.streams.info(s));
  t.is((await jsm.consumers.info(Stream.Tasks, Consumer.actor("coder"))).config.max_deliver, 5);
  t.is((await (await new Kvm(conns[0]).open(Bucket.Sagas)).status()).history, 1);
});

test("a consumer or stream that drifted is reported as CONFIG_DRIFT", async (t) => {
  const { nc } = await startTestNats(t);
  const err = await t.throwsAsync(provision(nc, { taskAckWaitMs: 5_000 }));
  t.is((err as { code?: string }).code, "CONFIG_DRIFT");
  t.regex(err?.message ?? "", /actor-architect.*ack_wait is 30000000000, expected 5000000000/);
  const jsm = await jetstreamManager(nc);
  await jsm.streams.update(Stream.Tasks, { ...(await jsm.streams.info(Stream.Tasks)).config, max_msgs: 10 });
  const drift = await t.throwsAsync(provision(nc));
  t.regex(drift?.message ?? "", /stream TASKS .*max_msgs is 10, expected 1000000/);
});
