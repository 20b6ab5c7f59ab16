/** A message ready to publish: what the builders of `protocol/` return and publishers send. */

/**
 * One message to publish. `msg_id` (the `Nats-Msg-Id`) is deterministic, so publishing the
 * same envelope twice inside the duplicate window stores it once.
 */
export interface Envelope {
  subject: string;
  payload: unknown;
  msg_id?: string;
  headers?: Record<string, string>;
  /** Core NATS publish (no stream), e.g. task cancellation. */
  core?: boolean;
}
