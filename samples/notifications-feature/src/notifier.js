// Sends notifications: validate, format, rate-limit per recipient, store, deliver.
import { formatMessage, pluralize, truncate } from "./format.js";
import { validateNotification } from "./validate.js";

export const BODY_LIMITS = { email: 10000, sms: 160, push: 240 };

export function memoryChannel() {
  const sent = [];
  return { sent, send: (message) => sent.push(message) };
}

export class Notifier {
  constructor({ store, limiter, channels, now }) {
    this.store = store;
    this.limiter = limiter;
    this.channels = channels;
    this.now = now;
  }

  send(input) {
    const errors = validateNotification(input);
    if (errors.length > 0) return { ok: false, reason: "invalid", errors };
    if (!this.limiter.tryAcquire(input.recipient)) {
      return { ok: false, reason: "rate_limited", retryAfter: this.limiter.retryAfter(input.recipient) };
    }
    var body = truncate(formatMessage(input.body, input.vars ?? {}), BODY_LIMITS[input.channel]);
    const item = this.store.add({ ...input, body }, this.now());
    const delivered = this.deliver(item);
    return { ok: true, id: item.id, delivered };
  }

  deliver(item) {
    const channel = this.channels[item.channel];
    if (channel === undefined) return false;
    channel.send({ to: item.recipient, body: item.body, id: item.id });
    return true;
  }

  sendMany(inputs) {
    return inputs.map((input) => this.send(input));
  }

  resend(id) {
    const item = this.store.get(id);
    if (item === null) return { ok: false, reason: "not_found" };
    const delivered = this.deliver(item);
    return { ok: delivered, id, delivered };
  }

  stats(recipient) {
    const all = this.store.list({ recipient });
    const unread = all.filter((item) => !item.read).length;
    return { total: all.length, unread, remaining: this.limiter.remaining(recipient) };
  }

  digest(recipient) {
    let unread = this.store.list({ recipient, unreadOnly: true });
    if (unread.length === 0) return null;
    const lines = unread.map((item) => "- " + truncate(item.body, 60));
    const subject = "You have " + pluralize(unread.length, "unread notification");
    return { recipient, subject, body: lines.join("\n") };
  }
}
