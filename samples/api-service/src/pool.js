// A connection pool: acquire waits up to acquire_timeout_ms for a free connection.
export class Pool {
  constructor({ max, acquireTimeoutMs }) {
    this.max = max;
    this.acquireTimeoutMs = acquireTimeoutMs;
    this.active = 0;
    this.waiting = [];
  }

  async acquire() {
    if (this.active < this.max) {
      this.active += 1;
      return () => this.release();
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("timeout acquiring a connection from the pool")), this.acquireTimeoutMs);
      this.waiting.push(() => {
        clearTimeout(timer);
        this.active += 1;
        resolve(() => this.release());
      });
    });
  }

  release() {
    this.active -= 1;
    const next = this.waiting.shift();
    if (next) next();
  }
}
