// Proves on a real nats-server that what is running is read completely while other processes
// write and retire records: the coordinator's start-up (SagaStore.keys, which heals outboxes)
// and `list` (PatchbayClient.listPage) see every record that stays in `sagas`, however busy
// the bucket. Walking the bucket with `kv.keys()` missed keys here, and in the chaos test
// never ended (a replica restarted under load did not come up).
import test from "ava";
import { Kvm } from "@nats-io/kv";
import { jetstreamManager } from "@nats-io/jetstream";
import { encode } from "../protocol/codec.ts";
import { Bucket, Stream, kvSubject } from "../protocol/subjects.ts";
import { SagaStore, openSagaBuckets } from "../services/coordinator/internal.ts";
import { startTestNats } from "./helpers/nats.ts";
import { client } from "./helpers/runtime.ts";

const STABLE = 200;
const ROUNDS = 15;

const record = (id: string, at: number) =>
  encode({ id, type: "churn", status: "running", run: 1, created_at: at, updated_at: at, outbox: [] });

test("every record that stays in sagas is read while others are written and purged", async (t) => {
  const { nc } = await startTestNats(t);
  const kv = await new Kvm(nc).open(Bucket.Sagas);
  const jsm = await jetstreamManager(nc);
  const stable = Array.from({ length: STABLE }, (_, i) => `stable-${i}`);
  for (const [i, id] of stable.entries()) await kv.put(id, record(id, i));

  let writing = true;
  const churn = async (lane: number) => {
    for (let n = 0; writing; n += 1) {
      const id = stable[(n * 7 + lane) % STABLE] as string;
      await kv.put(id, record(id, n));
      await kv.put(`gone-${lane}-${n}`, record(`gone-${lane}-${n}`, n));
      await jsm.streams.purge(Stream.kv(Bucket.Sagas), { filter: kvSubject(Bucket.Sagas, `gone-${lane}-${n}`) });
    }
  };
  const writers = [0, 1, 2].map(churn);
  t.teardown(async () => {
    writing = false;
    await Promise.all(writers);
  });

  const store = new SagaStore(await openSagaBuckets(nc));
  const c = client(t, nc);
  for (let round = 0; round < ROUNDS; round += 1) {
    const keys = new Set(await store.keys());
    t.deepEqual(
      stable.filter((id) => !keys.has(id)),
      [],
      `round ${round}: the store's keys miss none`,
    );
    const listed = new Set((await c.listPage({ status: "running", limit: 10_000 })).workflows.map((r) => r.id));
    t.deepEqual(
      stable.filter((id) => !listed.has(id)),
      [],
      `round ${round}: list misses none`,
    );
  }
  writing = false;
  await Promise.all(writers);
});
