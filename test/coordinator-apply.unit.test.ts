// Proves the coordinator's pure core (startSaga/applyInput) on given/when/then specs with no
// server: dispatch with deterministic ids, duplicates and stale runs ignored, bad starts,
// signals, durable timers, children, decider errors, versions and reset. Task deadlines are in
// task-deadlines.unit.test.ts, compensation in saga-compensation.unit.test.ts.
import test from "ava";
import { ErrorCode } from "../protocol/errors.ts";
import {
  DEFAULT_QUEUE_TIMEOUT_MS,
  WorkflowRegistry,
  applyInput,
  builtinWorkflows,
  dispatch,
  outboxMessages,
  replayInputs,
  type Workflow,
} from "../services/coordinator/internal.ts";
import {
  APPROVAL_TIMEOUT,
  APPROVAL_TIMER,
  FixtureTasks,
  childIdOf,
  fixtureRegistry,
  versionedV1,
  versionedV2,
} from "./fixtures/workflows/index.ts";
import {
  T0,
  WF_ID,
  cancelsIn,
  completed,
  eventsIn,
  logIn,
  signal,
  spec,
  started,
  startsIn,
  tasksIn,
  wake,
  wakesIn,
} from "./helpers/spec.ts";

const registry = fixtureRegistry();
const fanout = (n: number) => started("bench-fanout", { fanout: n, task_timeout_ms: 1_000 });
const saga = started("fixture-steps", { job: "j1" });

test("bench-fanout dispatches F tasks with deterministic msg ids", (t) => {
  spec(registry)
    .given([])
    .when(fanout(3))
    .then(({ record, outbox }) => {
      t.is(record.status, "running");
      t.deepEqual(
        tasksIn(outbox).map((m) => [m.role, m.kind, m.task_id, m.msg_id, m.deadline, m.timeout_ms]),
        [
          ["checker", "bench.noop", "t1", `${WF_ID}/1/t1/1`, T0 + DEFAULT_QUEUE_TIMEOUT_MS, 1_000],
          ["checker", "bench.noop", "t2", `${WF_ID}/1/t2/1`, T0 + DEFAULT_QUEUE_TIMEOUT_MS, 1_000],
          ["checker", "bench.noop", "t3", `${WF_ID}/1/t3/1`, T0 + DEFAULT_QUEUE_TIMEOUT_MS, 1_000],
        ],
      );
      t.deepEqual(
        wakesIn(outbox),
        [{ workflow_id: WF_ID, run: 1, due: T0 + DEFAULT_QUEUE_TIMEOUT_MS }],
        "one wake-up serves the three schedule-to-start deadlines",
      );
    });
});

test("bench-fanout completes after F results", (t) => {
  const g = spec(registry).given([fanout(3), completed("t1", { index: 1 }), completed("t2", { index: 2 })]);
  t.is(g.record?.status, "running");
  g.when(completed("t3", { index: 3 }, { at: T0 + 500 })).then(({ record, outbox }) => {
    t.is(record.status, "completed");
    t.deepEqual(record.result, { tasks: 3, duration_ms: 500 });
    t.deepEqual(record.timers, {});
    t.is(logIn(outbox).at(-1)?.step, "completed");
  });
});

test("a result applied twice changes nothing", (t) => {
  const g = spec(registry).given([fanout(2), completed("t1", { index: 1 })]);
  t.is(applyInput(registry, g.record!, completed("t1", { index: 1 })), undefined);
  g.when(completed("t1", { index: 1 })).then(({ changed, record }) => {
    t.false(changed);
    t.deepEqual(Object.keys(record.pending), ["t2"]);
  });
});

test("a result of another run is ignored", (t) => {
  spec(registry)
    .given([fanout(1)])
    .when(completed("t1", { index: 1 }, { run: 2 }))
    .then(({ changed, record }) => {
      t.false(changed);
      t.is(record.status, "running");
      t.deepEqual(Object.keys(record.pending), ["t1"]);
    });
});

test("an invalid input fails with INVALID_INPUT naming the field, and dispatches nothing", (t) => {
  spec(registry)
    .given([])
    .when(started("bench-fanout", { fanout: 0 }))
    .then(({ record, outbox }) => {
      t.is(record.status, "failed");
      t.is(record.error?.code, ErrorCode.InvalidInput);
      t.regex(record.error?.message ?? "", /fanout/);
      t.deepEqual(tasksIn(outbox), []);
      t.deepEqual(wakesIn(outbox), []);
    });
  spec(registry)
    .given([])
    .when(started("fixture-steps", { job: 7 }))
    .then(({ record }) => {
      t.is(record.error?.code, ErrorCode.InvalidInput);
      t.regex(record.error?.message ?? "", /^invalid input: job: /);
    });
});

test("an unknown type fails with UNKNOWN_WORKFLOW_TYPE", (t) => {
  spec(registry)
    .given([])
    .when(started("no-such-type", {}))
    .then(({ record, outbox }) => {
      t.is(record.status, "failed");
      t.is(record.error?.code, ErrorCode.UnknownWorkflowType);
      t.regex(record.error?.message ?? "", /no-such-type/);
      t.deepEqual(tasksIn(outbox), []);
      t.deepEqual(
        logIn(outbox).map((e) => e.step),
        ["started", "failed"],
      );
    });
});

test("the same signal_id applied twice is ignored", (t) => {
  const g = spec(registry).given([
    saga,
    completed("step-1", { task: "o1" }),
    signal("cancel", undefined, { signal_id: "sig-1" }),
  ]);
  t.deepEqual(g.record?.seen, ["sig-1"]);
  g.when(signal("cancel", undefined, { signal_id: "sig-1" })).then(({ changed }) => t.false(changed));
  g.when(signal("cancel", undefined, { signal_id: "sig-2" })).then(({ changed, record, outbox }) => {
    t.true(changed, "a new signal id is recorded");
    t.deepEqual(record.seen, ["sig-1", "sig-2"]);
    t.deepEqual(tasksIn(outbox), [], "but starts no second compensation");
  });
});

test("approval: approve before the deadline wins; a later wake changes nothing", (t) => {
  const start = started("fixture-approval", { timeout_ms: 5_000 });
  const g = spec(registry).given([start]);
  t.deepEqual(g.record?.timers, { [APPROVAL_TIMER]: T0 + 5_000 });
  t.deepEqual(wakesIn(g.published), [{ workflow_id: WF_ID, run: 1, due: T0 + 5_000 }]);
  g.when(signal("approve", undefined, { at: T0 + 4_999 })).then(({ record }) => {
    t.is(record.status, "completed");
    t.deepEqual(record.result, { approved: true });
    t.deepEqual(record.timers, {});
  });
  spec(registry)
    .given([start, signal("approve")])
    .when(wake(T0 + 5_000))
    .then(({ changed }) => t.false(changed));
  spec(registry)
    .given([start, signal("nudge")])
    .when(signal("reject"))
    .then(({ record }) => t.deepEqual(record.result, { approved: false }));
});

test("approval: a wake at the deadline fails with APPROVAL_TIMEOUT", (t) => {
  const g = spec(registry).given([started("fixture-approval", { timeout_ms: 5_000 })]);
  g.when(wake(T0 + 4_999)).then(({ changed }) => t.false(changed));
  g.when(wake(T0 + 5_000)).then(({ record, outbox }) => {
    t.is(record.status, "failed");
    t.deepEqual(record.error, { code: APPROVAL_TIMEOUT, message: "no decision within 5000 ms" });
    t.deepEqual(
      logIn(outbox).map((e) => e.step),
      ["timer", "failed"],
    );
  });
});

test("child workflow: start_child starts the child with its parent; child.completed completes the parent", (t) => {
  const parentStart = started(
    "fixture-parent",
    { child_type: "bench-fanout", child_input: { fanout: 1 } },
    { id: "p-1" },
  );
  const parent = spec(registry).given([parentStart]);
  const [childStart] = startsIn(parent.published, T0 + 10);
  t.like(childStart, {
    type: "bench-fanout",
    id: "p-1-child",
    msg_id: "p-1-child",
    input: { fanout: 1 },
    parent: { id: "p-1", run: 1 },
  });
  t.deepEqual(parent.record?.children, { [childIdOf("p-1")]: "bench-fanout" });
  const child = spec(registry).given([childStart!, completed("t1", { index: 1 }, { at: T0 + 60 })]);
  const [report] = eventsIn(child.published);
  t.is(report?.workflow_id, "p-1");
  parent.when(report!).then(({ record }) => {
    t.is(record.status, "completed");
    t.deepEqual(record.result, { tasks: 1, duration_ms: 50 });
    t.deepEqual(record.children, {});
  });
});

test("child workflow: a failed child fails the parent with the child's error", (t) => {
  const parentStart = started(
    "fixture-parent",
    { child_type: "fixture-approval", child_input: { timeout_ms: 100 } },
    { id: "p-2" },
  );
  const parent = spec(registry).given([parentStart]);
  const child = spec(registry).given([startsIn(parent.published)[0]!, wake(T0 + 100)]);
  const [report] = eventsIn(child.published);
  t.is(report?.error?.code, APPROVAL_TIMEOUT);
  parent.when(report!).then(({ record }) => {
    t.is(record.status, "failed");
    t.is(record.error?.code, APPROVAL_TIMEOUT);
    t.regex(record.error?.message ?? "", /p-2-child failed: no decision within 100 ms/);
  });
});

/** A workflow whose decider throws on every task result. */
const throwing: Workflow<unknown, null, typeof FixtureTasks.v1> = {
  type: "fixture-throws",
  version: 1,
  input: versionedV1.input,
  tasks: [FixtureTasks.v1],
  initial: () => null,
  evolve: (state) => state,
  decide(_state, event) {
    if (event.type === "task.completed") throw new Error("decider blew up");
    return [dispatch(FixtureTasks.v1, "only", { label: "x" })];
  },
};

test("a decider that throws fails the workflow with DECIDER_ERROR", (t) => {
  const reg = new WorkflowRegistry([throwing]);
  spec(reg)
    .given([started("fixture-throws", {})])
    .when(completed("only", null))
    .then(({ record, outbox }) => {
      t.is(record.status, "failed");
      t.deepEqual(record.error, { code: ErrorCode.DeciderError, message: "decider blew up" });
      t.is(logIn(outbox).at(-1)?.text, "failed: DECIDER_ERROR decider blew up");
    });
});

// Regression: an exception thrown by `initial` is a decider bug (DECIDER_ERROR), not the
// caller's bad input.
test("an initial() that throws fails with DECIDER_ERROR, not INVALID_INPUT", (t) => {
  const reg = new WorkflowRegistry([
    {
      ...throwing,
      initial: () => {
        throw new Error("initial blew up");
      },
    },
  ]);
  spec(reg)
    .given([])
    .when(started("fixture-throws", {}))
    .then(({ record }) => {
      t.is(record.error?.code, ErrorCode.DeciderError);
    });
});

test("versioned: a workflow started on v1 keeps v1 after v2 is registered", (t) => {
  const reg = new WorkflowRegistry([...builtinWorkflows, versionedV1]);
  const g = spec(reg).given([started("fixture-versioned", {})]);
  t.is(g.record?.version, 1);
  t.deepEqual(
    tasksIn(g.published).map((m) => [m.task_id, m.kind]),
    [["v1-only", "fixture.v1"]],
  );
  reg.register(versionedV2);
  g.when(completed("v1-only", "x")).then(({ record }) => {
    t.is(record.status, "completed");
    t.deepEqual(record.result, { version: 1, outputs: ["x"] });
  });
  spec(reg)
    .given([])
    .when(started("fixture-versioned", {}, { id: "wf-2" }))
    .then(({ record, outbox }) => {
      t.is(record.version, 2);
      t.deepEqual(
        tasksIn(outbox).map((m) => [m.task_id, m.kind]),
        [
          ["v2-a", "fixture.v2"],
          ["v2-b", "fixture.v2"],
        ],
      );
    });
});

test("reset rebuilds state from the first N history entries as run + 1 and re-dispatches pending tasks", (t) => {
  const g = spec(registry).given([
    saga,
    completed("step-1", { task: "o1" }, { at: T0 + 10 }),
    completed("step-2", { task: "o2" }, { at: T0 + 20 }),
  ]);
  // History: 1 log(started, step-1), 2 step-1 done, 3 log(step-2), 4 step-2 done, 5 log(step-3).
  t.deepEqual(
    g.history.map((e) => e.message?.type),
    ["log/v1", "task.completed/v1", "log/v1", "task.completed/v1", "log/v1"],
  );
  const replay = replayInputs(g.record!, g.history, 3);
  t.deepEqual(
    replay.map((i) => i.kind),
    ["start", "event"],
  );
  const reset = { kind: "reset" as const, signal_id: "sig-9", event: 3, at: T0 + 100, replay };
  const outcome = g.when(reset).then(({ record, outbox }) => {
    t.is(record.run, 2);
    t.is(record.status, "running");
    t.deepEqual(record.state, { input: { job: "j1", step_timeout_ms: 60_000 }, outputs: [{ task: "o1" }] });
    t.deepEqual(
      record.steps.map((s) => s.task_id),
      ["step-1"],
    );
    t.deepEqual(
      tasksIn(outbox).map((m) => [m.task_id, m.run, m.attempt, m.msg_id]),
      [["step-2", 2, 1, `${WF_ID}/2/step-2/1`]],
    );
    t.deepEqual(
      cancelsIn(outbox).map((m) => m.payload),
      [{ run: 1 }],
      "run 1's pending step-3 is cancelled",
    );
    t.is(logIn(outbox)[0]?.step, "reset");
  });
  t.is(
    applyInput(registry, outcome.record, completed("step-2", { task: "late" }, { run: 1 })),
    undefined,
    "run 1 results are ignored",
  );
  t.is(applyInput(registry, outcome.record, reset), undefined, "the same reset applied twice changes nothing");
  const next = applyInput(
    registry,
    { ...outcome.record, outbox: [] },
    completed("step-2", { task: "o2b" }, { run: 2 }),
  );
  t.deepEqual(
    tasksIn(next ? outboxMessages(next) : []).map((m) => m.msg_id),
    [`${WF_ID}/2/step-3/1`],
  );
});

// Regression: a child started before the reset point reports with run 0 (the parent's current
// run), so run 2, which still lists the child in `children`, hears it instead of waiting forever.
test("after a reset, the parent still receives the result of a child started before it", (t) => {
  const parentStart = started(
    "fixture-parent",
    { child_type: "bench-fanout", child_input: { fanout: 1 } },
    { id: "p-3" },
  );
  const g = spec(registry).given([parentStart]);
  const reset = {
    kind: "reset" as const,
    signal_id: "sig-r",
    event: 1,
    at: T0 + 5,
    replay: replayInputs(g.record!, g.history, 1),
  };
  const afterReset = applyInput(registry, g.record!, reset)!;
  t.deepEqual(afterReset.children, { "p-3-child": "bench-fanout" });
  const [childStart] = startsIn(g.published, T0 + 10);
  const child = spec(registry).given([childStart!, completed("t1", { index: 1 }, { at: T0 + 60 })]);
  const [report] = eventsIn(child.published);
  const done = applyInput(registry, { ...afterReset, outbox: [] }, report!);
  t.is(done?.status, "completed", "run 2 heard the report the child really sent");
});
