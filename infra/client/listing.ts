/**
 * Listing workflows by page: the running ones from `sagas` (what is running is bounded), the
 * ended ones from the tail of the `ended` bucket's stream, newest first, reading about one
 * page of records whatever the number ever run. A cursor (`before`) continues further back.
 */
import type { JetStreamClient } from "@nats-io/jetstream";
import { decodeRaw } from "../../protocol/codec.ts";
import { ErrorCode, RetryableError } from "../../protocol/errors.ts";
import type { SagaRecord } from "../../protocol/saga.ts";
import { Bucket, Stream, kvSubject } from "../../protocol/subjects.ts";
import { readStream } from "../nats/stream-read.ts";

/** One page of ended records and the cursor of the next one, if there may be more. */
export interface EndedPage {
  records: SagaRecord[];
  /** Pass as `before` for the page after this one. */
  next?: number;
}

/** Bounds of one {@link endedPage} read. */
export interface EndedScan {
  /** Stop reading once a record says everything older is out of range (records are in end order). */
  stop?: (rec: SagaRecord) => boolean;
  /** Read at most this many records (a search that matches little), then offer the cursor. */
  maxRead?: number;
}

/**
 * Up to `limit` ended records matching `match`, newest first, from stream sequences below
 * `before` (all when absent). Reads windows backwards from the tail, doubling each time, so a
 * page costs about a page of reads when most records match.
 */
export async function endedPage(
  js: JetStreamClient,
  limit: number,
  match: (rec: SagaRecord) => boolean,
  before?: number,
  scan: EndedScan = {},
): Promise<EndedPage> {
  const state = (await (await js.jetstreamManager()).streams.info(Stream.kv(Bucket.Ended))).state;
  let hi = Math.min(state.last_seq, (before ?? Number.POSITIVE_INFINITY) - 1);
  let window = Math.max(16, limit * 2);
  let read = 0;
  let stopped = false;
  const found: Array<{ seq: number; rec: SagaRecord }> = [];
  while (hi >= state.first_seq && found.length < limit && !stopped && read < (scan.maxRead ?? Infinity)) {
    const lo = Math.max(state.first_seq, hi - window + 1);
    const chunk = await withDeadline(readRange(js, lo, hi), READ_DEADLINE_MS, `reading ended workflows ${lo}..${hi}`);
    read += chunk.length;
    stopped = scan.stop !== undefined && chunk.some((c) => scan.stop?.(c.rec));
    found.push(...chunk.filter((c) => match(c.rec)).reverse());
    hi = lo - 1;
    window *= 2;
  }
  const page = found.slice(0, limit);
  const more = !stopped && (found.length > limit || hi >= state.first_seq);
  const next = page.length > 0 ? page.at(-1)?.seq : hi + 1;
  return { records: page.map((p) => p.rec), ...(more && next !== undefined ? { next } : {}) };
}

/** How long one window of the `ended` stream may take to read (a refused read retries forever otherwise). */
const READ_DEADLINE_MS = 15_000;

async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new RetryableError(
            ErrorCode.Internal,
            `${what} took over ${ms} ms (is this NATS user allowed to read KV ${Bucket.Ended}?)`,
          ),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The records stored at stream sequences `lo`..`hi` of the `ended` bucket, ascending. */
async function readRange(
  js: JetStreamClient,
  lo: number,
  hi: number,
): Promise<Array<{ seq: number; rec: SagaRecord }>> {
  const msgs = await readStream(js, Stream.kv(Bucket.Ended), {
    filter: kvSubject(Bucket.Ended),
    fromSeq: lo,
    toSeq: hi,
  });
  return msgs.filter((m) => m.data.length > 0).map((m) => ({ seq: m.seq, rec: decodeRaw(m.data) as SagaRecord }));
}
