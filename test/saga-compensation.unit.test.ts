// Proves the coordinator's generic compensation on given/when/then specs with no server:
// completed steps undone in reverse order, once each; a failed compensation recorded, logged
// and named; cancel compensates; a sibling still in flight when compensation begins is waited
// for, and compensated when it completes late; the record passed in is never changed.
import test from "ava";
import { ErrorCode } from "../protocol/errors.ts";
import { applyInput } from "../services/coordinator/internal.ts";
import { FixtureTasks, fixtureRegistry } from "./fixtures/workflows/index.ts";
import { cancelsIn, completed, failed, logIn, signal, spec, started, tasksIn } from "./helpers/spec.ts";

const UNDO_KIND = FixtureTasks.undo.kind;
const registry = fixtureRegistry();
const saga = started("fixture-steps", { job: "j1" });
const boom = { code: "BOOM", message: "disk full" };
/** The steps saga with steps 1 and 2 done and step 3 failed: compensating step 2. */
const step3Failed = [
  saga,
  completed("step-1", { task: "o1" }),
  completed("step-2", { task: "o2" }),
  failed("step-3", boom),
];

test("steps saga: all steps done completes with their outputs", (t) => {
  const g = spec(registry).given([saga, completed("step-1", { task: "o1" }), completed("step-2", { task: "o2" })]);
  t.deepEqual(
    tasksIn(g.published).map((m) => [m.role, m.kind, m.task_id, m.input]),
    [
      ["coder", "fixture.step", "step-1", { job: "j1", step: 1 }],
      ["coder", "fixture.step", "step-2", { job: "j1", step: 2 }],
      ["coder", "fixture.step", "step-3", { job: "j1", step: 3 }],
    ],
  );
  g.when(completed("step-3", { task: "o3" })).then(({ record }) => {
    t.is(record.status, "completed");
    t.deepEqual(record.result, { job: "j1", outputs: [{ task: "o1" }, { task: "o2" }, { task: "o3" }] });
  });
});

test("steps saga: step 3 fails → undo step 2, then step 1", (t) => {
  spec(registry)
    .given(step3Failed.slice(0, 3))
    .when(step3Failed[3]!)
    .then(({ record, outbox }) => {
      t.is(record.status, "compensating");
      t.deepEqual(record.compensation, { error: { code: "BOOM", message: "step-3 failed: disk full" }, failures: [] });
      t.deepEqual(
        tasksIn(outbox).map((m) => [m.kind, m.task_id, m.input]),
        [[UNDO_KIND, "compensate-step-2", { job: "j1", step: 2 }]],
      );
    });
  spec(registry)
    .given(step3Failed)
    .when(completed("compensate-step-2", null))
    .then(({ outbox }) => {
      t.deepEqual(
        tasksIn(outbox).map((m) => [m.kind, m.task_id, m.input]),
        [[UNDO_KIND, "compensate-step-1", { job: "j1", step: 1 }]],
      );
    });
  const undone = [...step3Failed, completed("compensate-step-2", null)];
  spec(registry)
    .given(undone)
    .when(completed("compensate-step-1", null))
    .then(({ record, outbox }) => {
      t.is(record.status, "failed");
      t.deepEqual(record.error, { code: "BOOM", message: "step-3 failed: disk full" });
      t.deepEqual(
        logIn(outbox).map((e) => e.step),
        ["compensated", "failed"],
      );
    });
});

test("steps saga: a compensation result applied twice compensates once", (t) => {
  const g = spec(registry).given([...step3Failed, completed("compensate-step-2", null)]);
  g.when(completed("compensate-step-2", null)).then(({ changed }) => t.false(changed));
  const all = spec(registry).given([
    ...step3Failed,
    completed("compensate-step-2", null),
    completed("compensate-step-2", null),
  ]);
  t.deepEqual(
    tasksIn(all.published)
      .filter((m) => m.kind === UNDO_KIND)
      .map((m) => m.task_id),
    ["compensate-step-2", "compensate-step-1"],
  );
});

test("steps saga: a failed compensation is recorded, logged and named in the error", (t) => {
  const undoFailed = failed("compensate-step-2", { code: "UNDO_FAILED", message: "branch gone" });
  spec(registry)
    .given(step3Failed)
    .when(undoFailed)
    .then(({ record, outbox }) => {
      t.deepEqual(record.compensation?.failures, [{ task_id: "step-2", code: "UNDO_FAILED", message: "branch gone" }]);
      const entry = logIn(outbox).find((e) => e.step === "compensation.failed");
      t.is(entry?.text, "compensation of step-2 failed: UNDO_FAILED branch gone");
      t.deepEqual(
        tasksIn(outbox).map((m) => m.task_id),
        ["compensate-step-1"],
        "the next compensation still runs",
      );
    });
  spec(registry)
    .given([...step3Failed, undoFailed])
    .when(completed("compensate-step-1", null))
    .then(({ record }) => {
      t.is(record.status, "failed");
      t.is(record.error?.code, "BOOM");
      t.is(record.error?.message, "step-3 failed: disk full; compensation failed for step-2: UNDO_FAILED");
    });
});

test("cancel signal compensates completed steps and ends cancelled", (t) => {
  const cancel = signal("cancel", undefined, { signal_id: "sig-1" });
  spec(registry)
    .given([saga, completed("step-1", { task: "o1" })])
    .when(cancel)
    .then(({ record, outbox }) => {
      t.is(record.status, "compensating");
      t.deepEqual(
        cancelsIn(outbox).map((m) => m.payload),
        [{ run: 1 }],
        "the pending step-2 is cancelled",
      );
      t.deepEqual(
        tasksIn(outbox).map((m) => m.task_id),
        ["compensate-step-1"],
      );
    });
  const undone = [saga, completed("step-1", { task: "o1" }), cancel, completed("compensate-step-1", null)];
  spec(registry)
    .given(undone.slice(0, 3))
    .when(undone[3]!)
    .then(({ record }) => t.is(record.status, "compensating", "step-2, still in flight, is waited for"));
  spec(registry)
    .given(undone)
    .when(failed("step-2", { code: ErrorCode.Cancelled, message: "workflow cancelled" }))
    .then(({ record }) => {
      t.is(record.status, "cancelled");
      t.is(record.error?.code, ErrorCode.Cancelled);
    });
});

test("a sibling that completes after the failure is compensated too (partial fan-out)", (t) => {
  const g = spec(registry).given([
    started("fixture-fanout-saga", { tasks: 3 }),
    completed("part-1", { task: "part-1" }),
    failed("part-2", boom),
  ]);
  t.is(g.record?.status, "compensating");
  t.deepEqual(
    tasksIn(g.published)
      .filter((m) => m.kind === UNDO_KIND)
      .map((m) => m.task_id),
    ["compensate-part-1"],
  );
  const late = completed("part-3", { task: "part-3" });
  g.when(late).then(({ record, outbox }) => {
    t.is(record.status, "compensating");
    t.deepEqual(tasksIn(outbox), [], "one compensation at a time");
    t.true(logIn(outbox).some((e) => e.step === "late.completion"));
  });
  const all = spec(registry).given([
    started("fixture-fanout-saga", { tasks: 3 }),
    completed("part-1", { task: "part-1" }),
    failed("part-2", boom),
    late,
    completed("compensate-part-1", null),
  ]);
  t.deepEqual(
    tasksIn(all.published)
      .filter((m) => m.kind === UNDO_KIND)
      .map((m) => m.task_id),
    ["compensate-part-1", "compensate-part-3"],
  );
  all.when(completed("compensate-part-3", null)).then(({ record }) => {
    t.is(record.status, "failed");
    t.is(record.error?.code, "BOOM");
  });
});

// Regression: a failed compensation must not change the record passed in (a cached record
// would carry the failure twice after a redelivery).
test("applyInput leaves the record it was given unchanged when a compensation fails", (t) => {
  const before = spec(registry).given(step3Failed).record!;
  applyInput(registry, before, failed("compensate-step-2", { code: "UNDO_FAILED", message: "x" }));
  t.deepEqual(before.compensation?.failures, []);
});
