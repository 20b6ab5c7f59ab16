// The timeline derived from a history: bars from dispatch to result, the start of the attempt,
// a re-dispatched attempt marked as a retry with the one it replaced, a deadline, a
// compensation, running bars ending now, other runs left out, and a history logged before
// dispatch entries carried data (read from the text).
import test from "ava";
import { timelineOf, type HistoryEntry } from "../infra/client/index.ts";
import type { HistoryMessage } from "../protocol/event.ts";

let seq = 0;
function entry(message: HistoryMessage, error?: { code: string; message: string }): HistoryEntry {
  seq += 1;
  return { number: seq, seq, time: message.data.at, subject: "workflow.event.w", message, ...(error ? { error } : {}) };
}
const log = (at: number, entries: Array<{ step: string; text: string; data?: unknown }>, run = 1) =>
  entry({ type: "log/v1", data: { run, at, entries } });
const scheduled = (task_id: string, role: string, kind: string, attempt = 1) => ({
  step: attempt === 1 ? "scheduled" : "redispatched",
  text: `${task_id} → ${role}/${kind}`,
  data: { task_id, role, kind, attempt },
});
const started = (at: number, task_id: string, attempt = 1, delivery = 1) =>
  entry({ type: "task.started/v1", data: { run: 1, at, task_id, attempt, seq: 1, delivery, runner: "h:1" } });
const completed = (at: number, task_id: string, attempt = 1) =>
  entry({ type: "task.completed/v1", data: { run: 1, at, task_id, attempt, output: {} } });
const failed = (at: number, task_id: string) =>
  entry({ type: "task.failed/v1", data: { run: 1, at, task_id, attempt: 1 } }, { code: "BOOM", message: "it broke" });

test("bars run from dispatch to result, grouped by role, with start, retry, deadline, failure and compensation", (t) => {
  const history = [
    log(1_000, [
      scheduled("a", "checker", "check.run"),
      scheduled("b", "checker", "check.run"),
      scheduled("c", "coder", "fix"),
    ]),
    started(1_100, "a"),
    completed(1_500, "a"),
    started(1_200, "b"),
    log(4_000, [scheduled("b", "checker", "check.run", 2)]),
    started(4_100, "b", 2, 2),
    completed(4_600, "b", 2),
    failed(2_000, "c"),
    log(2_000, [{ step: "task.timeout", text: "d ran past", data: { task_id: "d", attempt: 1 } }]),
    log(5_000, [
      {
        step: "compensating",
        text: "compensating a → checker/undo",
        data: { task_id: "compensate-a", role: "checker", kind: "undo", attempt: 1, compensates: "a" },
      },
    ]),
  ];
  const tl = timelineOf({ run: 1, created_at: 900 }, history, 6_000);
  t.deepEqual(
    tl.groups.map((g) => [g.role, g.bars.map((b) => `${b.task_id}#${b.attempt}:${b.outcome}`)]),
    [
      ["checker", ["a#1:completed", "b#1:replaced", "b#2:completed", "compensate-a#1:running"]],
      ["coder", ["c#1:failed"]],
    ],
  );
  const [a, b1, b2, comp] = tl.groups[0]?.bars ?? [];
  t.like(a, { dispatched_at: 1_000, started_at: 1_100, ended_at: 1_500, runner: "h:1" });
  t.like(b1, { ended_at: 4_000 });
  t.like(b2, { dispatched_at: 4_000, started_at: 4_100, delivery: 2 });
  t.like(comp, { compensates: "a", ended_at: undefined });
  t.is(tl.groups[1]?.bars[0]?.error, "BOOM it broke");
  t.is(tl.from, 900);
  t.is(tl.to, 6_000, "a running bar ends now");
});

test("a deadline ends its bar as timed out, and only the current run is drawn", (t) => {
  const history = [
    log(100, [scheduled("old", "coder", "x")], 1),
    log(1_000, [scheduled("d", "merger", "merge")], 2),
    log(3_000, [{ step: "task.timeout", text: "d ran past 2000 ms", data: { task_id: "d", attempt: 1 } }], 2),
  ];
  const tl = timelineOf({ run: 2, created_at: 50 }, history, 9_000);
  t.deepEqual(
    tl.groups.map((g) => g.role),
    ["merger"],
  );
  t.like(tl.groups[0]?.bars[0], { outcome: "timed out", ended_at: 3_000, error: "d ran past 2000 ms" });
});

test("a dispatch logged without data is read from its text", (t) => {
  const history = [
    log(10, [{ step: "scheduled", text: "check-lint → checker/check.run" }]),
    completed(30, "check-lint"),
  ];
  const tl = timelineOf({ run: 1, created_at: 10 }, history, 100);
  t.like(tl.groups[0]?.bars[0], { task_id: "check-lint", role: "checker", kind: "check.run", outcome: "completed" });
});
