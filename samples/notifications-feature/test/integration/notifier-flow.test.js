import { test } from "node:test";
import assert from "node:assert/strict";
import { NotificationStore, Notifier, RateLimiter, memoryChannel } from "../../src/index.js";

function service(limit = 3) {
  const clock = { at: 0 };
  const channels = { email: memoryChannel(), sms: memoryChannel(), push: memoryChannel() };
  const store = new NotificationStore();
  const limiter = new RateLimiter({ limit, windowMs: 1000, now: () => clock.at });
  return { clock, channels, store, notifier: new Notifier({ store, limiter, channels, now: () => clock.at }) };
}

test("every channel receives its own notifications", () => {
  const { channels, notifier } = service();
  notifier.send({ channel: "email", recipient: "ada@example.com", body: "e" });
  notifier.send({ channel: "sms", recipient: "+4915112345678", body: "s" });
  notifier.send({ channel: "push", recipient: "device-1", body: "p" });
  assert.deepEqual([channels.email.sent.length, channels.sms.sent.length, channels.push.sent.length], [1, 1, 1]);
});

test("a burst is cut at the limit and resumes after the window", () => {
  const { clock, notifier } = service(2);
  const msg = { channel: "push", recipient: "device-1", body: "hi" };
  assert.deepEqual(notifier.sendMany([msg, msg, msg]).map((r) => r.ok), [true, true, false]);
  clock.at = 1500;
  assert.equal(notifier.send(msg).ok, true);
});

test("the digest disappears once everything is read", () => {
  const { notifier, store } = service();
  notifier.send({ channel: "push", recipient: "device-1", body: "hi" });
  store.markAllRead("device-1");
  assert.equal(notifier.digest("device-1"), null);
});

test("invalid notifications use no rate-limit slot", () => {
  const { notifier } = service(1);
  notifier.send({ channel: "push", recipient: "", body: "hi" });
  assert.equal(notifier.send({ channel: "push", recipient: "device-1", body: "hi" }).ok, true);
});

test("stored notifications match delivered ones", () => {
  const { channels, notifier, store } = service();
  notifier.send({ channel: "email", recipient: "ada@example.com", body: "Hi {who}", vars: { who: "Ada" } });
  assert.equal(store.get(channels.email.sent[0].id).body, channels.email.sent[0].body);
});

test("digests of two recipients stay apart", () => {
  const { notifier } = service();
  notifier.send({ channel: "push", recipient: "device-1", body: "one" });
  notifier.send({ channel: "push", recipient: "device-2", body: "two" });
  assert.equal(notifier.digest("device-2").body, "- two");
});
