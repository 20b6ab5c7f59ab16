import { test } from "node:test";
import assert from "node:assert/strict";
import { NotificationStore } from "../../src/store.js";
import { RateLimiter } from "../../src/rate-limit.js";
import { Notifier, memoryChannel } from "../../src/notifier.js";

function setup(limit = 5) {
  const email = memoryChannel();
  const store = new NotificationStore();
  const limiter = new RateLimiter({ limit, windowMs: 60000, now: () => 0 });
  return { email, store, notifier: new Notifier({ store, limiter, channels: { email }, now: () => 7 }) };
}

const input = { channel: "email", recipient: "ada@example.com", body: "Hi {name}", vars: { name: "Ada" } };

test("send formats, stores and delivers", () => {
  const { email, notifier, store } = setup();
  const result = notifier.send(input);
  assert.deepEqual(result, { ok: true, id: "n1", delivered: true });
  assert.equal(store.get("n1").body, "Hi Ada");
  assert.deepEqual(email.sent, [{ to: "ada@example.com", body: "Hi Ada", id: "n1" }]);
});

test("send stamps the clock's time", () => {
  const { notifier, store } = setup();
  notifier.send(input);
  assert.equal(store.get("n1").createdAt, 7);
});

test("send refuses an invalid notification", () => {
  const { notifier } = setup();
  const result = notifier.send({ ...input, recipient: "nobody" });
  assert.equal(result.reason, "invalid");
});

test("send stops at the rate limit", () => {
  const { notifier } = setup(1);
  notifier.send(input);
  assert.deepEqual(notifier.send(input), { ok: false, reason: "rate_limited", retryAfter: 60000 });
});

test("send truncates sms bodies to 160 characters", () => {
  const { notifier, store } = setup();
  notifier.send({ channel: "sms", recipient: "+4915112345678", body: "x".repeat(300) });
  assert.equal(store.get("n1").body.length, 160);
});

test("a channel without a sender is stored but not delivered", () => {
  const { notifier } = setup();
  assert.equal(notifier.send({ channel: "push", recipient: "device-1", body: "hi" }).delivered, false);
});

test("sendMany returns one result per input", () => {
  const { notifier } = setup();
  assert.equal(notifier.sendMany([input, input, { body: "" }]).filter((r) => r.ok).length, 2);
});

test("digest lists unread notifications", () => {
  const { notifier } = setup();
  notifier.send(input);
  notifier.send({ ...input, vars: { name: "again" } });
  const digest = notifier.digest("ada@example.com");
  assert.equal(digest.subject, "You have 2 unread notifications");
  assert.equal(digest.body, "- Hi Ada\n- Hi again");
});
