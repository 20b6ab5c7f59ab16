// Proves a task's two deadlines on given/when/then specs with no server: a task that never
// starts fails with QUEUE_TIMEOUT at its schedule-to-start, without a copy; a started one that
// runs past its start-to-close is re-dispatched as the next attempt and the old one told to
// stop; a later delivery restarts the clock; a superseded attempt's result is ignored; after
// the last attempt, TASK_TIMEOUT.
import test from "ava";
import { ErrorCode } from "../protocol/errors.ts";
import { DEFAULT_QUEUE_TIMEOUT_MS } from "../services/coordinator/internal.ts";
import { fixtureRegistry } from "./fixtures/workflows/index.ts";
import { T0, WF_ID, cancelsIn, completed, taskStarted, logIn, spec, started, tasksIn, wake } from "./helpers/spec.ts";

const registry = fixtureRegistry();
const fanout = (n: number) => started("bench-fanout", { fanout: n, task_timeout_ms: 1_000 });

test("a task that never starts fails with QUEUE_TIMEOUT at its schedule-to-start deadline, without a re-dispatch", (t) => {
  const g = spec(registry).given([fanout(1)]);
  const queueDeadline = T0 + DEFAULT_QUEUE_TIMEOUT_MS;
  g.when(wake(T0 + 1_000)).then(({ changed }) =>
    t.false(changed, "its start-to-close budget does not run while it waits"),
  );
  g.when(wake(queueDeadline)).then(({ record, outbox }) => {
    t.is(record.status, "failed");
    t.is(record.error?.code, ErrorCode.QueueTimeout);
    t.regex(record.error?.message ?? "", /t1 \(checker\/bench\.noop\) was not started within 21600000 ms/);
    t.deepEqual(tasksIn(outbox), [], "no copy is queued behind it");
  });
});

test("a started task that runs past its start-to-close is re-dispatched with attempt + 1; the old attempt is told to stop", (t) => {
  const g = spec(registry).given([fanout(1), taskStarted("t1", { at: T0 + 500 })]);
  g.when(wake(T0 + 1_499)).then(({ changed }) => t.false(changed, "a wake before the deadline changes nothing"));
  g.when(wake(T0 + 1_500)).then(({ record, outbox }) => {
    t.deepEqual(
      tasksIn(outbox).map((m) => [m.task_id, m.attempt, m.msg_id, m.deadline]),
      [["t1", 2, `${WF_ID}/1/t1/2`, T0 + 1_500 + DEFAULT_QUEUE_TIMEOUT_MS]],
    );
    t.deepEqual(record.timers, { "task/t1/2": T0 + 1_500 + DEFAULT_QUEUE_TIMEOUT_MS });
    t.deepEqual(
      cancelsIn(outbox).map((m) => m.payload),
      [{ run: 1, task_id: "t1", attempt: 1 }],
    );
    t.is(logIn(outbox)[0]?.step, "redispatched");
  });
});

test("a later delivery of the same attempt restarts its clock; a repeated start changes nothing", (t) => {
  const g = spec(registry).given([fanout(1), taskStarted("t1", { at: T0 + 500 })]);
  g.when(taskStarted("t1", { at: T0 + 600 })).then(({ changed }) => t.false(changed));
  g.when(taskStarted("t1", { at: T0 + 900, delivery: 2, runner: "other:2" })).then(({ record }) => {
    t.like(record.pending.t1, {
      deadline: T0 + 1_900,
      started: { at: T0 + 900, delivery: 2, runner: "other:2", seq: 1 },
    });
  });
});

test("a late result of a superseded attempt is ignored; the current attempt's result completes the task", (t) => {
  const g = spec(registry).given([fanout(1), taskStarted("t1", { at: T0 }), wake(T0 + 1_000)]);
  g.when(completed("t1", { index: 1 }, { attempt: 1, at: T0 + 1_100 })).then(({ changed, record }) => {
    t.false(changed, "attempt 1 was superseded");
    t.is(record.status, "running");
  });
  g.when(completed("t1", { index: 1 }, { attempt: 2, at: T0 + 1_200 })).then(({ record }) => {
    t.is(record.status, "completed");
    t.deepEqual(record.timers, {});
  });
});

test("after max attempts that each ran past their time, a task fails with TASK_TIMEOUT", (t) => {
  const ran = (attempt: number, at: number) => [taskStarted("t1", { attempt, at }), wake(at + 1_000)];
  const g = spec(registry).given([
    fanout(1),
    ...ran(1, T0),
    ...ran(2, T0 + 2_000),
    taskStarted("t1", { attempt: 3, at: T0 + 4_000 }),
  ]);
  g.when(wake(T0 + 5_000)).then(({ record, outbox }) => {
    t.is(record.status, "failed");
    t.is(record.error?.code, ErrorCode.TaskTimeout);
    t.regex(record.error?.message ?? "", /t1 .*after 3 attempts/);
    t.deepEqual(tasksIn(outbox), []);
  });
});
