/**
 * The gateway's Prometheus metrics (`GET /metrics`, docs/metrics.md), on a registry of their
 * own. Workflow and task metrics come from every saga record write, heard on plain core NATS
 * subscriptions to the `sagas` and `ended` buckets' subjects (the coordinator's hot path pays
 * nothing: no consumer, no extra write) and diffed by metrics-feed.ts. At start and at each
 * scrape the feed is brought up to what `sagas` holds (reconcile: writes missed while
 * disconnected, records the coordinator purged without a message). Queue and DLQ gauges are
 * read at each scrape (metrics-scrape.ts). Every gateway exports the whole deployment.
 */
import type { ServerResponse } from "node:http";
import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { Gauge, Registry, type Counter } from "prom-client";
import { decodeRaw } from "../../protocol/codec.ts";
import { TERMINAL } from "../../protocol/saga.ts";
import { Bucket, kvSubject } from "../../protocol/subjects.ts";
import { bucketKeys } from "../../infra/nats/stream-read.ts";
import type { PatchbayClient, SagaRecord } from "../../infra/client/index.ts";
import { RecordFeed, feedMetrics } from "./metrics-feed.ts";
import { errorCounter, scrapeGauges } from "./metrics-scrape.ts";

/** Live Prometheus metrics of a deployment, fed from NATS. */
export interface GatewayMetrics {
  /** The Content-Type of {@link GatewayMetrics.text} (Prometheus text format 0.0.4). */
  contentType: string;
  /** Every metric in the text format; the queue and DLQ gauges are read now (unreadable ones left out). */
  text(): Promise<string>;
  /** Stops listening to record writes. */
  stop(): void;
}

/** How long a scrape waits for one JetStream API answer (Prometheus' scrape timeout is 10 s). */
const SCRAPE_TIMEOUT_MS = 2_000;
/** Records a reconcile reads at a time. */
const RECONCILE_BATCH = 64;

/** Starts the metrics of the deployment `nc` belongs to: subscribes to record writes, then reconciles. */
export async function startMetrics(nc: NatsConnection, client: PatchbayClient): Promise<GatewayMetrics> {
  const registry = new Registry();
  const errors = errorCounter(registry);
  const feed = new RecordFeed(feedMetrics(registry), Date.now());
  runningGauge(registry, feed);
  const subs = [Bucket.Sagas, Bucket.Ended].map((bucket) => watchBucket(nc, bucket, feed, errors));
  await nc.flush();
  const jsm = await jetstreamManager(nc, { timeout: SCRAPE_TIMEOUT_MS });
  const sync = () => reconcile(jsm, client, feed).catch(() => errors.inc({ source: "reconcile" }));
  await sync();
  return {
    contentType: registry.contentType,
    async text() {
      const [, gauges] = await Promise.all([sync(), scrapeGauges(jsm, errors)]);
      return await Registry.merge([registry, gauges]).metrics();
    },
    stop() {
      for (const sub of subs) sub.unsubscribe();
    },
  };
}

/** Answers `GET /metrics`: 200 with every metric in Prometheus' text format. */
export async function serveMetrics(metrics: GatewayMetrics, res: ServerResponse): Promise<void> {
  const body = await metrics.text();
  res.writeHead(200, { "content-type": metrics.contentType });
  res.end(body);
}

/**
 * Feeds every write of `bucket` to the feed; a delete or purge marker of a `sagas` key removes
 * it. (The coordinator purges through the stream API, which leaves no message: the reconcile
 * at the next scrape notices.)
 */
function watchBucket(nc: NatsConnection, bucket: string, feed: RecordFeed, errors: Counter<"source">): Subscription {
  const prefix = kvSubject(bucket, "");
  return nc.subscribe(kvSubject(bucket), {
    callback: (err, msg) => {
      if (err) return void errors.inc({ source: "subscription" });
      if (msg.data.length === 0) {
        if (bucket === Bucket.Sagas) feed.removed(msg.subject.slice(prefix.length));
        return;
      }
      try {
        feed.observe(decodeRaw(msg.data) as SagaRecord);
      } catch {
        errors.inc({ source: "record" });
      }
    },
  });
}

/**
 * Brings the feed up to `sagas`: a running workflow it does not track is observed (a start only
 * if created since the metrics started); one it tracks that is no longer in `sagas` is read
 * again: from `ended` (its end, if missed, is counted) or, found nowhere, forgotten.
 */
async function reconcile(jsm: JetStreamManager, client: PatchbayClient, feed: RecordFeed): Promise<void> {
  const keys = new Set(await bucketKeys(jsm, Bucket.Sagas));
  const ids = [...feed.trackedIds().filter((id) => !keys.has(id)), ...[...keys].filter((id) => !feed.tracks(id))];
  for (let i = 0; i < ids.length; i += RECONCILE_BATCH) {
    await Promise.all(
      ids.slice(i, i + RECONCILE_BATCH).map(async (id) => {
        const rec = await client.status(id);
        if (!rec) feed.removed(id);
        else if (!feed.tracks(id) || TERMINAL.has(rec.status)) feed.observe(rec);
      }),
    );
  }
}

/** `patchbay_workflows_running{type}`: what the feed tracks as running, 0 for a type seen with none. */
function runningGauge(registry: Registry, feed: RecordFeed): void {
  new Gauge({
    name: "patchbay_workflows_running",
    help: "Workflows running (their record in the sagas bucket, not ended), by type.",
    labelNames: ["type"],
    registers: [registry],
    collect(this: Gauge<"type">) {
      for (const [type, count] of feed.runningByType()) this.set({ type }, count);
    },
  });
}
