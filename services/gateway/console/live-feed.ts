/**
 * The console's live updates: server-sent events fed from NATS. One set of core subscriptions
 * per gateway hears every saga record write (`$KV.sagas.>`, `$KV.ended.>`), every log of the
 * coordinator (`workflow.log.*`) and every actor process's presence (`patchbay.presence.*`),
 * without decoding them. Each browser's stream (`GET /api/events`; `?id=<workflow>` for one
 * workflow, `?topic=pools` to hear processes come and go too) gets the ids that changed, at most
 * every {@link FLUSH_MS}. Pages then fetch themselves again: nothing polls KV.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import { Bucket, Subject, kvSubject, lastToken } from "../../../protocol/subjects.ts";

/** How often a stream sends what changed (changes in between are coalesced). */
const FLUSH_MS = 250;
/** A comment line this often keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

/** What one stream hears: every workflow, one workflow, or every workflow and the pools' processes. */
export type FeedScope = { id: string } | { topic: "workflows" | "pools" };

/** The id sent for a change of the pools' processes. */
const POOLS = "pools";

interface Listener {
  scope: FeedScope;
  changed: Set<string>;
  timer?: NodeJS.Timeout;
  res: ServerResponse;
}

/** Fans NATS change notices out to the open event streams. */
export class LiveFeed {
  readonly #listeners = new Set<Listener>();
  readonly #subs: Subscription[] = [];
  #keepalive?: NodeJS.Timeout;

  /** Subscribes to record writes and logs. */
  start(nc: NatsConnection): void {
    const onMsg = (subject: string) => this.#notify(lastToken(subject));
    for (const subject of [kvSubject(Bucket.Sagas), kvSubject(Bucket.Ended), Subject.allLogs]) {
      this.#subs.push(nc.subscribe(subject, { callback: (_err, msg) => onMsg(msg.subject) }));
    }
    this.#subs.push(nc.subscribe(Subject.allPresence, { callback: () => this.#notify(POOLS) }));
    this.#keepalive = setInterval(() => {
      for (const l of this.#listeners) l.res.write(": keepalive\n\n");
    }, KEEPALIVE_MS);
    this.#keepalive.unref();
  }

  /** Serves one event stream until the browser goes away. */
  serve(req: IncomingMessage, res: ServerResponse, scope: FeedScope): void {
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.write(`retry: 2000\n: listening to ${"id" in scope ? scope.id : scope.topic}\n\n`);
    const listener: Listener = { changed: new Set(), res, scope };
    this.#listeners.add(listener);
    req.on("close", () => {
      clearTimeout(listener.timer);
      this.#listeners.delete(listener);
    });
  }

  #notify(id: string): void {
    for (const l of this.#listeners) {
      if (!hears(l.scope, id)) continue;
      l.changed.add(id);
      l.timer ??= setTimeout(() => this.#flush(l), FLUSH_MS);
    }
  }

  #flush(l: Listener): void {
    l.timer = undefined;
    if (l.changed.size === 0) return;
    l.res.write(`event: change\ndata: ${JSON.stringify({ ids: [...l.changed] })}\n\n`);
    l.changed.clear();
  }

  /** Ends every stream and unsubscribes. */
  stop(): void {
    clearInterval(this.#keepalive);
    for (const s of this.#subs) s.unsubscribe();
    for (const l of this.#listeners) {
      clearTimeout(l.timer);
      l.res.end();
    }
    this.#listeners.clear();
  }
}

function hears(scope: FeedScope, id: string): boolean {
  if ("id" in scope) return scope.id === id;
  return id !== POOLS || scope.topic === "pools";
}
