// An in-memory notification store with ids, read flags and simple queries.

export class NotificationStore {
  constructor() {
    this.items = new Map();
    this.nextId = 1;
  }

  add(notification, at) {
    const id = "n" + this.nextId;
    this.nextId += 1;
    const item = { ...notification, id, createdAt: at, read: false };
    this.items.set(id, item);
    return item;
  }

  get(id) {
    return this.items.get(id) ?? null;
  }

  list(filter = {}) {
    const all = [...this.items.values()];
    return all.filter((item) => {
      if (filter.recipient !== undefined && item.recipient !== filter.recipient) return false;
      if (filter.unreadOnly && item.read) return false;
      if (filter.channel !== undefined && item.channel !== filter.channel) return false;
      return true;
    });
  }

  markRead(id) {
    const item = this.items.get(id);
    if (item === undefined) return false;
    item.read = true;
    return true;
  }

  markAllRead(recipient) {
    let changed = 0;
    for (const item of this.list({ recipient, unreadOnly: true })) {
      item.read = true;
      changed += 1;
    }
    return changed;
  }

  remove(id) {
    return this.items.delete(id);
  }

  count(recipient) {
    return this.list({ recipient }).length;
  }

  unreadCount(recipient) {
    return this.list({ recipient, unreadOnly: true }).length;
  }

  prune(before) {
    let removed = 0;
    for (const item of [...this.items.values()]) {
      if (item.createdAt < before) {
        this.items.delete(item.id);
        removed += 1;
      }
    }
    return removed;
  }

  clear() {
    this.items.clear();
  }
}
