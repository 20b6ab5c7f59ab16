import { test } from "node:test";
import assert from "node:assert/strict";
import { RateLimiter } from "../../src/rate-limit.js";

function limiter(limit = 2) {
  const clock = { at: 0 };
  return { clock, limiter: new RateLimiter({ limit, windowMs: 1000, now: () => clock.at }) };
}

test("allows up to the limit", () => {
  const { limiter: rl } = limiter();
  assert.deepEqual([rl.tryAcquire("a"), rl.tryAcquire("a"), rl.tryAcquire("a")], [true, true, false]);
});

test("counts each key separately", () => {
  const { limiter: rl } = limiter(1);
  assert.equal(rl.tryAcquire("a"), true);
  assert.equal(rl.tryAcquire("b"), true);
});

test("frees slots when the window passes", () => {
  const { clock, limiter: rl } = limiter(1);
  rl.tryAcquire("a");
  clock.at = 1001;
  assert.equal(rl.tryAcquire("a"), true);
});

test("remaining counts down", () => {
  const { limiter: rl } = limiter(3);
  rl.tryAcquire("a");
  assert.equal(rl.remaining("a"), 2);
});

test("retryAfter tells when the oldest hit expires", () => {
  const { clock, limiter: rl } = limiter(1);
  assert.equal(rl.retryAfter("a"), 0);
  rl.tryAcquire("a");
  clock.at = 400;
  assert.equal(rl.retryAfter("a"), 600);
});

test("rejects a limit below one", () => {
  assert.throws(() => new RateLimiter({ limit: 0, windowMs: 1, now: () => 0 }), RangeError);
});
