// A sliding-window rate limiter per key; time comes from the injected clock.

export class RateLimiter {
  constructor({ limit, windowMs, now }) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError("limit must be a positive integer");
    this.limit = limit;
    this.windowMs = windowMs;
    this.now = now;
    this.hits = new Map();
  }

  recent(key) {
    let since = this.now() - this.windowMs;
    const hits = (this.hits.get(key) ?? []).filter((at) => at > since);
    this.hits.set(key, hits);
    return hits;
  }

  tryAcquire(key) {
    const hits = this.recent(key);
    if (hits.length >= this.limit) return false;
    hits.push(this.now());
    return true;
  }

  remaining(key) {
    return Math.max(0, this.limit - this.recent(key).length);
  }

  retryAfter(key) {
    const hits = this.recent(key);
    if (hits.length < this.limit) return 0;
    return hits[0] + this.windowMs - this.now();
  }

  reset(key) {
    this.hits.delete(key);
  }

  activeKeys() {
    return [...this.hits.keys()].filter((key) => this.recent(key).length > 0);
  }

  clear() {
    this.hits.clear();
  }
}
