import { test } from "node:test";
import assert from "node:assert/strict";
import { formatDate, formatMessage, formatRelative, missingVars, placeholders, pluralize, truncate } from "../../src/format.js";

test("formatMessage replaces placeholders", () => {
  assert.equal(formatMessage("Hi {name}!", { name: "Ada" }), "Hi Ada!");
});

test("formatMessage keeps unknown placeholders", () => {
  assert.equal(formatMessage("Hi {name}, {what}", { name: "Ada" }), "Hi Ada, {what}");
});

test("formatMessage converts numbers to text", () => {
  assert.equal(formatMessage("{count} new", { count: 3 }), "3 new");
});

test("placeholders lists each name once in order", () => {
  assert.deepEqual(placeholders("{a} {b} {a}"), ["a", "b"]);
});

test("missingVars names the placeholders without a value", () => {
  assert.deepEqual(missingVars("{a} {b} {c}", { b: 1 }), ["a", "c"]);
});

test("truncate keeps short text", () => {
  assert.equal(truncate("short", 10), "short");
});

test("truncate cuts long text with an ellipsis", () => {
  assert.equal(truncate("abcdefghij", 5), "abcd\u2026");
});

test("truncate rejects a non-positive maximum", () => {
  assert.throws(() => truncate("abc", 0), RangeError);
});

test("pluralize uses the singular for one", () => {
  assert.equal(pluralize(1, "message"), "1 message");
});

test("pluralize adds s or uses the given plural", () => {
  assert.equal(pluralize(2, "message"), "2 messages");
  assert.equal(pluralize(0, "reply", "replies"), "0 replies");
});

test("formatDate prints UTC minutes", () => {
  assert.equal(formatDate(Date.UTC(2024, 0, 5, 7, 3)), "2024-01-05 07:03 UTC");
});

test("formatRelative reads minutes and hours", () => {
  const now = Date.UTC(2024, 0, 5, 12, 0);
  assert.equal(formatRelative(now - 10000, now), "just now");
  assert.equal(formatRelative(now - 5 * 60000, now), "5 minutes ago");
  assert.equal(formatRelative(now - 2 * 3600000, now), "2 hours ago");
});
