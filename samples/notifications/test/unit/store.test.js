import { test } from "node:test";
import assert from "node:assert/strict";
import { NotificationStore } from "../../src/store.js";

function seeded() {
  const store = new NotificationStore();
  store.add({ channel: "email", recipient: "a@example.com", body: "one" }, 1000);
  store.add({ channel: "sms", recipient: "+4915112345678", body: "two" }, 2000);
  store.add({ channel: "email", recipient: "a@example.com", body: "three" }, 3000);
  return store;
}

test("add assigns increasing ids", () => {
  const store = seeded();
  assert.deepEqual(store.list().map((item) => item.id), ["n1", "n2", "n3"]);
});

test("add stores the time and an unread flag", () => {
  const item = new NotificationStore().add({ body: "x" }, 42);
  assert.equal(item.createdAt, 42);
  assert.equal(item.read, false);
});

test("get returns null for an unknown id", () => {
  assert.equal(seeded().get("n9"), null);
});

test("list filters by recipient", () => {
  assert.equal(seeded().list({ recipient: "a@example.com" }).length, 2);
});

test("list filters by channel", () => {
  assert.equal(seeded().list({ channel: "sms" }).length, 1);
});

test("markRead flags one notification", () => {
  const store = seeded();
  assert.equal(store.markRead("n1"), true);
  assert.equal(store.get("n1").read, true);
});

test("markRead reports an unknown id", () => {
  assert.equal(seeded().markRead("n9"), false);
});

test("list can skip read notifications", () => {
  const store = seeded();
  store.markRead("n1");
  assert.deepEqual(store.list({ unreadOnly: true }).map((item) => item.id), ["n2", "n3"]);
});

test("markAllRead counts what changed", () => {
  const store = seeded();
  assert.equal(store.markAllRead("a@example.com"), 2);
  assert.equal(store.markAllRead("a@example.com"), 0);
});

test("remove deletes one notification", () => {
  const store = seeded();
  assert.equal(store.remove("n2"), true);
  assert.equal(store.get("n2"), null);
});

test("count and unreadCount are per recipient", () => {
  const store = seeded();
  store.markRead("n3");
  assert.equal(store.count("a@example.com"), 2);
  assert.equal(store.unreadCount("a@example.com"), 1);
});

test("clear empties the store", () => {
  const store = seeded();
  store.clear();
  assert.equal(store.list().length, 0);
});
