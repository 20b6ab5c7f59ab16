/**
 * How long a message nak'ed by an actor or a coordinator waits before its next delivery.
 */
/** Backoff after delivery `delivery` (from 1): `firstMs` doubling up to `maxMs`. */
export function backoffMs(delivery: number, firstMs = 200, maxMs = 10_000): number {
  return Math.min(maxMs, firstMs * 2 ** Math.min(Math.max(0, delivery - 1), 16));
}
