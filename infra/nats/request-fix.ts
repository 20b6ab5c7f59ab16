/**
 * Workaround for @nats-io/nats-core 3.4.0: `RequestOne.resolver()` calls `cancel()` after it
 * has settled the request, and `cancel()` builds a `RequestError("cancelled")` — with a stack
 * trace — only to reject a promise that is already resolved. Every JetStream publish and KV
 * write is such a request; the bench profiles put it at ~12% of the coordinator's CPU and ~8%
 * of an actor's (docs/bench-orchestration.md). This makes the post-settle `cancel()` skip the
 * throw-away error; every other path (timeouts, errors, explicit cancels) is unchanged.
 * Remove when nats-core stops doing that upstream (checked by test/request-fix.unit.test.ts).
 */
import { RequestOne } from "@nats-io/nats-core/internal";

interface RequestInternals {
  timer?: { cancel(): void };
  mux: { cancel(request: unknown): void };
  patchbaySettled?: boolean;
}

type Resolver = (this: RequestInternals, err: Error | null, msg: unknown) => void;
type Cancel = (this: RequestInternals, err?: Error) => void;

const proto = RequestOne.prototype as unknown as { resolver: Resolver; cancel: Cancel; patchbayFixed?: boolean };

/** Installs the workaround once per process. */
export function installRequestFix(): void {
  if (proto.patchbayFixed) return;
  proto.patchbayFixed = true;
  const resolver = proto.resolver;
  const cancel = proto.cancel;
  proto.resolver = function (this: RequestInternals, err, msg) {
    this.patchbaySettled = true;
    resolver.call(this, err, msg);
  };
  proto.cancel = function (this: RequestInternals, err?: Error) {
    if (err === undefined && this.patchbaySettled) {
      this.timer?.cancel();
      this.mux.cancel(this);
      return;
    }
    cancel.call(this, err);
  };
}
