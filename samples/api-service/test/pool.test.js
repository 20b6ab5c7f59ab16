import { test } from "node:test";
import assert from "node:assert/strict";
import { Pool } from "../src/pool.js";

test("a full pool makes the next acquire wait, then time out", async () => {
  const pool = new Pool({ max: 1, acquireTimeoutMs: 20 });
  await pool.acquire();
  await assert.rejects(pool.acquire(), /timeout acquiring a connection/);
});

test("a released connection goes to the next waiter", async () => {
  const pool = new Pool({ max: 1, acquireTimeoutMs: 1000 });
  const release = await pool.acquire();
  const next = pool.acquire();
  release();
  await next;
  assert.equal(pool.active, 1);
});
