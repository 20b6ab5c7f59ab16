/**
 * A cross-process file lock. The lock file is created atomically (written to a temp file,
 * then hard-linked into place, which fails if the lock exists) and names its holder's PID
 * and host. A lock whose holder on this host is no longer alive is stale and is broken,
 * under a short-lived `.break` directory so that two waiters cannot both break it. Waiters
 * poll until a deadline, then fail with a retryable LOCK_TIMEOUT.
 */
import { randomUUID } from "node:crypto";
import { link, mkdir, readFile, rmdir, stat, unlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { setTimeout as delay } from "node:timers/promises";
import { ErrorCode, RetryableError } from "../../protocol/errors.ts";

/** How long to wait for a lock, and how often to look. */
export interface LockOptions {
  /** Give up after this long (milliseconds). */
  timeoutMs: number;
  /** First poll interval; doubles up to 250 ms (default 10 ms). */
  pollMs?: number;
}

/** A held lock. */
export interface LockHandle {
  /** The lock file. */
  path: string;
  /** Releases the lock, if it is still ours. */
  release(): Promise<void>;
}

/** What a lock file says about its holder. */
interface LockOwner {
  pid: number;
  host: string;
  token: string;
  createdAt: string;
}

/** A `.break` directory older than this is left over from a crashed breaker and is removed. */
const BREAK_STALE_MS = 10_000;
const MAX_POLL_MS = 250;

/** Runs `fn` while holding the lock at `lockPath`. */
export async function withLock<T>(lockPath: string, options: LockOptions, fn: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(lockPath, options);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}

/** Acquires the lock at `lockPath`, waiting up to `options.timeoutMs`. */
export async function acquireLock(lockPath: string, options: LockOptions): Promise<LockHandle> {
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    token: randomUUID(),
    createdAt: new Date().toISOString(),
  };
  const deadline = Date.now() + options.timeoutMs;
  let poll = options.pollMs ?? 10;
  for (;;) {
    if (await tryCreate(lockPath, owner)) {
      return { path: lockPath, release: () => release(lockPath, owner.token) };
    }
    const holder = await readOwner(lockPath);
    if (holder !== undefined && isStale(holder) && (await breakStale(lockPath, holder))) continue;
    if (Date.now() >= deadline) {
      const who = holder ? `pid ${holder.pid} on ${holder.host} since ${holder.createdAt}` : "an unknown holder";
      throw new RetryableError(
        ErrorCode.LockTimeout,
        `lock ${lockPath} still held by ${who} after ${options.timeoutMs} ms`,
      );
    }
    await delay(Math.min(poll, Math.max(1, deadline - Date.now())));
    poll = Math.min(poll * 2, MAX_POLL_MS);
  }
}

async function tryCreate(lockPath: string, owner: LockOwner): Promise<boolean> {
  const temp = `${lockPath}.${owner.token}.tmp`;
  await writeFile(temp, JSON.stringify(owner));
  try {
    await link(temp, lockPath);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function readOwner(lockPath: string): Promise<LockOwner | undefined> {
  try {
    const parsed = JSON.parse(await readFile(lockPath, "utf8")) as Partial<LockOwner>;
    if (typeof parsed.pid === "number" && typeof parsed.host === "string" && typeof parsed.token === "string") {
      return { pid: parsed.pid, host: parsed.host, token: parsed.token, createdAt: String(parsed.createdAt) };
    }
  } catch {
    // gone in the meantime, or unreadable: treat as held by an unknown owner
  }
  return undefined;
}

/** A holder is stale when it ran on this host and its process no longer exists. */
function isStale(holder: LockOwner): boolean {
  if (holder.host !== hostname()) return false; // cannot check another machine's PIDs
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Removes a stale lock, but only if it is still the same stale lock once we hold `.break`.
 * Returns whether it removed it.
 */
async function breakStale(lockPath: string, stale: LockOwner): Promise<boolean> {
  const breakDir = `${lockPath}.break`;
  try {
    await mkdir(breakDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    const info = await stat(breakDir).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > BREAK_STALE_MS) await rmdir(breakDir).catch(() => undefined);
    return false;
  }
  try {
    const current = await readOwner(lockPath);
    if (current?.token !== stale.token) return false;
    await unlink(lockPath).catch(() => undefined);
    return true;
  } finally {
    await rmdir(breakDir).catch(() => undefined);
  }
}

async function release(lockPath: string, token: string): Promise<void> {
  const current = await readOwner(lockPath);
  if (current?.token === token) await unlink(lockPath);
}
