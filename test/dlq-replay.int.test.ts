// Proves the DLQ's operator actions on a real nats-server with an in-process coordinator: a
// signal sent before its workflow exists is dead-lettered NOT_FOUND after a short hold
// (PATCHBAY_SIGNAL_HOLD_MS), shown with its headers and decoded payload; once the workflow
// runs, replaying it — well within the duplicate window of its original msg-id — delivers it
// and the workflow reacts; the dead letter is gone and a second replay is NOT_FOUND. A dead
// letter that is not a start or a signal is refused, and a discard deletes one.
import test from "ava";
import { jetstream } from "@nats-io/jetstream";
import { ErrorCode } from "../protocol/errors.ts";
import { Subject } from "../protocol/subjects.ts";
import { signalMessage } from "../protocol/workflow.ts";
import { publishAll } from "../infra/nats/publish.ts";
import { fixtureRegistry } from "./fixtures/workflows/index.ts";
import { eventually, startTestNats } from "./helpers/nats.ts";
import { client, startCoordinator } from "./helpers/runtime.ts";

const TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

test("a signal dead-lettered before its workflow existed is replayed once it runs, within the duplicate window", async (t) => {
  const { nc } = await startTestNats(t);
  await startCoordinator(t, nc, fixtureRegistry(), { signalHoldMs: 500 });
  const c = client(t, nc);
  const approve = signalMessage("late", "approve", { by: "ops" }, "approve-late");
  await publishAll(nc, jetstream(nc), [{ ...approve, headers: { traceparent: TRACE } }]);
  const [dead] = await eventually(async () => {
    const entries = await c.dlq();
    return entries.length > 0 && entries;
  }, "the held signal to be dead-lettered");
  t.like(dead, { original_subject: "workflow.signal.late", code: ErrorCode.NotFound });
  t.regex(dead.reason, /no workflow 'late' \(the signal waited 500 ms/);

  const shown = await c.dlqMessage(dead.seq);
  t.like(shown, {
    seq: dead.seq,
    original_stream: "WORKFLOWS",
    original_msg_id: "approve-late",
    replayable: true,
    payload: { format: "json", value: { name: "approve", payload: { by: "ops" } } },
  });
  t.is(typeof shown?.original_seq, "number");
  t.is(shown?.headers.traceparent, TRACE, "the original headers are kept");

  await c.start("fixture-approval", { timeout_ms: 600_000 }, { id: "late" });
  await eventually(async () => (await c.status("late"))?.status === "running", "the workflow to run");
  const replay = await c.replayDlq(dead.seq);
  const rec = await c.wait("late", 10_000);
  t.is(rec.status, "completed", "the replayed approve reached the workflow");
  t.deepEqual(rec.result, { approved: true });
  t.deepEqual(
    { ...replay, stream_seq: 0 },
    {
      seq: dead.seq,
      subject: "workflow.signal.late",
      msg_id: `replay/${dead.seq}`,
      stream: "WORKFLOWS",
      stream_seq: 0,
      duplicate: false,
    },
  );
  t.deepEqual(await c.dlq(), [], "the dead letter is gone");
  t.is(await c.dlqMessage(dead.seq), undefined);
  const again = await t.throwsAsync(c.replayDlq(dead.seq));
  t.is((again as { code?: string }).code, ErrorCode.NotFound);
});

test("a dead letter that is not a start or a signal is refused; discard deletes; unknown sequences are NOT_FOUND", async (t) => {
  const { nc } = await startTestNats(t);
  await startCoordinator(t, nc, fixtureRegistry());
  const c = client(t, nc);
  nc.publish(Subject.event("ghost"), "plain text, not a message");
  await jetstream(nc).publish(Subject.dlq("stray"), new Uint8Array([0x00, 0x01, 0xff]));
  const entries = await eventually(async () => {
    const all = await c.dlq();
    return all.length === 2 && all;
  }, "two dead letters");
  const [stray, event] = [...entries].sort((a, b) => a.subject.localeCompare(b.subject));
  t.like(await c.dlqMessage(event.seq), {
    original_subject: "workflow.event.ghost",
    replayable: false,
    payload: { format: "text", text: "plain text, not a message", truncated: false },
  });
  t.regex((await c.dlqMessage(event.seq))?.not_replayable ?? "", /not a public input/);
  t.like(await c.dlqMessage(stray.seq), { replayable: false, payload: { format: "hex", hex: "0001ff" } });
  for (const seq of [event.seq, stray.seq]) {
    const refused = await t.throwsAsync(c.replayDlq(seq));
    t.is((refused as { code?: string }).code, ErrorCode.DlqNotReplayable, refused?.message);
  }
  t.is((await c.dlq()).length, 2, "a refused replay deletes nothing");

  await c.discardDlq(event.seq);
  t.deepEqual(
    (await c.dlq()).map((e) => e.seq),
    [stray.seq],
  );
  const missing = [
    () => c.discardDlq(event.seq),
    () => c.replayDlq(event.seq),
    () => c.replayDlq(99_999),
    () => c.discardDlq(99_999),
  ];
  for (const op of missing) {
    const err = await t.throwsAsync(op());
    t.is((err as { code?: string }).code, ErrorCode.NotFound, err?.message);
  }
  t.is(await c.dlqMessage(99_999), undefined);
});
