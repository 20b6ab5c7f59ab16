import { test } from "node:test";
import assert from "node:assert/strict";
import { NotificationStore, assertValid, formatMessage, missingVars } from "../../src/index.js";

function compose(template, vars, channel, recipient) {
  assert.deepEqual(missingVars(template, vars), []);
  return assertValid({ channel, recipient, body: formatMessage(template, vars) });
}

test("a composed email is stored and listed", () => {
  const store = new NotificationStore();
  store.add(compose("Hi {name}", { name: "Ada" }, "email", "ada@example.com"), 1);
  assert.equal(store.list({ recipient: "ada@example.com" })[0].body, "Hi Ada");
});

test("an invalid composition never reaches the store", () => {
  const store = new NotificationStore();
  assert.throws(() => store.add(compose("{x}", { x: " " }, "email", "ada@example.com"), 1));
  assert.equal(store.list().length, 0);
});

test("reading every notification clears the unread count", () => {
  const store = new NotificationStore();
  for (let i = 0; i < 3; i += 1) store.add(compose("#{i}", { i }, "push", "device-1"), i);
  store.markAllRead("device-1");
  assert.equal(store.unreadCount("device-1"), 0);
});

test("recipients do not see each other's notifications", () => {
  const store = new NotificationStore();
  store.add(compose("a", {}, "push", "device-1"), 1);
  store.add(compose("b", {}, "push", "device-2"), 2);
  assert.deepEqual(store.list({ recipient: "device-2" }).map((item) => item.body), ["b"]);
});

test("removed notifications are gone from every query", () => {
  const store = new NotificationStore();
  const item = store.add(compose("a", {}, "sms", "+4915112345678"), 1);
  store.remove(item.id);
  assert.equal(store.count("+4915112345678"), 0);
});

test("ids stay unique after removals", () => {
  const store = new NotificationStore();
  const first = store.add(compose("a", {}, "push", "d"), 1);
  store.remove(first.id);
  assert.notEqual(store.add(compose("b", {}, "push", "d"), 2).id, first.id);
});

test("sms and email notifications of one person are listed by channel", () => {
  const store = new NotificationStore();
  store.add(compose("a", {}, "sms", "+4915112345678"), 1);
  store.add(compose("b", {}, "email", "ada@example.com"), 2);
  assert.equal(store.list({ channel: "email" }).length, 1);
});

test("a template with a missing variable is refused", () => {
  assert.throws(() => compose("Hi {name}", {}, "email", "ada@example.com"));
});

test("priorities survive the round trip", () => {
  const store = new NotificationStore();
  const item = store.add({ ...compose("a", {}, "push", "d"), priority: "high" }, 1);
  assert.equal(store.get(item.id).priority, "high");
});
