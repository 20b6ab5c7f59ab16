// Validation of notifications before they are stored or sent.

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+[1-9]\d{6,14}$/;

export const CHANNELS = ["email", "sms", "push"];
export const PRIORITIES = ["low", "normal", "high"];

export class ValidationError extends Error {
  constructor(errors) {
    super(errors.join("; "));
    this.name = "ValidationError";
    this.errors = errors;
  }
}

export function isEmail(value) {
  return typeof value === "string" && EMAIL.test(value);
}

export function isPhone(value) {
  return typeof value === "string" && PHONE.test(value);
}

export function validateRecipient(channel, recipient) {
  if (channel === "email") return isEmail(recipient) ? null : "recipient must be an email address";
  if (channel === "sms") return isPhone(recipient) ? null : "recipient must be an E.164 phone number";
  if (typeof recipient === "string" && recipient.length > 0) return null;
  return "recipient must be a device id";
}

export function validateNotification(input) {
  if (input === null || typeof input !== "object") return ["notification must be an object"];
  const errors = [];
  if (!CHANNELS.includes(input.channel)) {
    errors.push("channel must be one of " + CHANNELS.join(", "));
  } else {
    const problem = validateRecipient(input.channel, input.recipient);
    if (problem !== null) errors.push(problem);
  }
  if (typeof input.body !== "string" || input.body.trim() === "") errors.push("body must be a non-empty string");
  if (input.priority !== undefined && !PRIORITIES.includes(input.priority)) {
    errors.push("priority must be one of " + PRIORITIES.join(", "));
  }
  return errors;
}

export function assertValid(input) {
  const errors = validateNotification(input);
  if (errors.length > 0) throw new ValidationError(errors);
  return input;
}

export function normalizeRecipient(channel, recipient) {
  if (channel === "email") return recipient.trim().toLowerCase();
  if (channel === "sms") return recipient.replace(/[\s()-]/g, "");
  return recipient.trim();
}
