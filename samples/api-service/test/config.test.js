import { test } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "../src/config.js";

test("the pool's ceiling is within what the database allows", () => {
  const { db } = loadConfig();
  const max = db["database.pool.max_connections"];
  assert.ok(Number.isInteger(max) && max >= db["database.pool.min_connections"] && max <= 500, `max_connections ${max}`);
});

test(".env and database.yaml agree on the pool size", () => {
  const { db, env } = loadConfig();
  assert.equal(Number(env.DB_POOL_MAX), db["database.pool.max_connections"]);
});
