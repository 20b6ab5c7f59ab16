import { test } from "node:test";
import assert from "node:assert/strict";
import { ValidationError, assertValid, isEmail, isPhone, validateNotification, validateRecipient } from "../../src/validate.js";

const valid = { channel: "email", recipient: "ada@example.com", body: "Hello" };

test("isEmail accepts a plain address", () => {
  assert.equal(isEmail("ada@example.com"), true);
});

test("isEmail rejects text without a domain", () => {
  assert.equal(isEmail("ada@"), false);
  assert.equal(isEmail(42), false);
});

test("isPhone accepts E.164 numbers only", () => {
  assert.equal(isPhone("+4915112345678"), true);
  assert.equal(isPhone("015112345678"), false);
});

test("validateRecipient checks sms numbers", () => {
  assert.equal(validateRecipient("sms", "+33612345678"), null);
  assert.match(validateRecipient("sms", "call me"), /E\.164/);
});

test("validateRecipient accepts any push device id", () => {
  assert.equal(validateRecipient("push", "device-1"), null);
  assert.equal(validateRecipient("push", ""), "recipient must be a device id");
});

test("validateNotification accepts a valid notification", () => {
  assert.deepEqual(validateNotification(valid), []);
});

test("validateNotification rejects non-objects", () => {
  assert.deepEqual(validateNotification(null), ["notification must be an object"]);
});

test("validateNotification names an unknown channel", () => {
  assert.match(validateNotification({ ...valid, channel: "fax" })[0], /channel must be one of/);
});

test("validateNotification rejects a blank body", () => {
  assert.deepEqual(validateNotification({ ...valid, body: "  " }), ["body must be a non-empty string"]);
});

test("validateNotification checks the priority", () => {
  assert.equal(validateNotification({ ...valid, priority: "high" }).length, 0);
  assert.match(validateNotification({ ...valid, priority: "urgent" })[0], /priority/);
});

test("assertValid returns a valid notification", () => {
  assert.equal(assertValid(valid), valid);
});

test("assertValid throws a ValidationError listing every problem", () => {
  assert.throws(() => assertValid({ channel: "sms", recipient: "x", body: "" }), (err) => {
    assert.ok(err instanceof ValidationError);
    assert.equal(err.errors.length, 2);
    return true;
  });
});
