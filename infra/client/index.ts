/**
 * The patchbay client's public face: what the CLI, the gateway, the bench and tests use to
 * start, follow and steer workflows over NATS, without loading the coordinator.
 */
export { PatchbayClient, SEARCH_READ_LIMIT } from "./client.ts";
export type { ListFilter, QueueDepth, WorkflowPage } from "./client.ts";
export type { DlqEntry, DlqMessage, DlqReplay } from "./dlq.ts";
export type { PayloadPreview } from "./preview.ts";
export { outcomeError, viewOf } from "../../protocol/saga.ts";
export type { SagaRecord, SagaStatus, WorkflowView } from "../../protocol/saga.ts";
export type { HistoryEntry } from "../nats/history.ts";
export { timelineOf } from "./timeline.ts";
export type { BarOutcome, Timeline, TimelineBar, TimelineGroup } from "./timeline.ts";
export type { PoolView } from "./pools.ts";
export type { Presence, PresenceState, TaskInFlight } from "../../protocol/presence.ts";
