/**
 * The coordinator's wider face, for tests only: the pure fold and its parts, the record
 * transitions, the saga store and the scoring of the built-in workflows. Production code uses `index.ts`.
 */
export * from "./index.ts";
export { applyInput, startSaga } from "./apply.ts";
export type { EventInput, SagaInput, StartInput } from "./step.ts";
export { foldInputs } from "./fold.ts";
export { DEFAULT_QUEUE_TIMEOUT_MS, outboxMessages } from "./record.ts";
export { replayInputs } from "./replay.ts";
export { SagaStore, openSagaBuckets } from "./store.ts";
export { completionEvent } from "./task-lifecycle.ts";
export { scoreGate } from "./workflows/quality-gate-scoring.ts";
export { qualityGate } from "./workflows/quality-gate.ts";
export { consensusOf, normalisedCause } from "./workflows/incident-consensus.ts";
export { APPROVAL_TIMER, incidentSwarm } from "./workflows/incident-swarm.ts";
export { codeMigration } from "./workflows/code-migration.ts";
export { planPatchPr, featureBranch } from "./workflows/plan-patch-pr.ts";
