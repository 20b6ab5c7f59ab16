/** JetStream API errors, matched by their named codes (`JetStreamApiCodes`), never by message text. */
import { JetStreamApiCodes, JetStreamApiError } from "@nats-io/jetstream";

/** A compare-and-set that lost: wrong last sequence (KV update), or a create on an existing key. */
export function isWrongLastSequence(err: unknown): boolean {
  return (
    err instanceof JetStreamApiError &&
    (err.code === JetStreamApiCodes.StreamWrongLastSequence ||
      err.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}

/** The stream does not exist. */
export function isStreamNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound;
}

/** The consumer (or its stream) does not exist. */
export function isConsumerNotFound(err: unknown): boolean {
  return (
    err instanceof JetStreamApiError &&
    (err.code === JetStreamApiCodes.ConsumerNotFound || err.code === JetStreamApiCodes.StreamNotFound)
  );
}

/** Any JetStream API refusal (as opposed to a timeout or a connection error). */
export function isApiError(err: unknown): err is JetStreamApiError {
  return err instanceof JetStreamApiError;
}

/** nats-server's JSSequenceNotFoundErrF and JSStreamMsgDeleteFailedF (nats.js names no constants for them). */
const SEQUENCE_NOT_FOUND = 10043;
const STREAM_MSG_DELETE_FAILED = 10057;

/** A stream message could not be deleted because it is not there (deleted already, or past the end). */
export function isMessageMissing(err: unknown): boolean {
  return err instanceof JetStreamApiError && (err.code === SEQUENCE_NOT_FOUND || err.code === STREAM_MSG_DELETE_FAILED);
}
