/**
 * Revision-checked records in the `forge` KV bucket: every change reads the entry, computes the
 * new value and writes it with the revision it read (`create` for a new key); a conflict —
 * another process wrote in between — re-reads and tries again.
 */
import { isWrongLastSequence } from "../nats/js-errors.ts";
import type { KV } from "@nats-io/kv";
import type { z } from "zod";
import { ErrorCode, RetryableError } from "../../protocol/errors.ts";
import { fromBytes, toBytes } from "./records.ts";

/** A record and the revision it was read at. */
export interface Versioned<T> {
  value: T;
  revision: number;
}

/** How often a change is tried before FORGE_CONFLICT (many writers on one key). */
const MAX_ATTEMPTS = 50;

/** Typed, revision-checked access to the forge bucket. */
export class ForgeStore {
  readonly #kv: KV;

  constructor(kv: KV) {
    this.#kv = kv;
  }

  /** The record at `key`, or undefined when there is none. */
  async read<T>(key: string, schema: z.ZodType<T>): Promise<Versioned<T> | undefined> {
    const entry = await this.#kv.get(key);
    if (!entry || entry.operation !== "PUT" || entry.value.length === 0) return undefined;
    return { value: fromBytes(entry.value, schema), revision: entry.revision };
  }

  /**
   * Applies `change` to the record at `key` (undefined when there is none) and writes the result
   * with a revision check, retrying on conflicts. `change` returning its argument (the same
   * object, or undefined for a missing record) writes nothing; `change` may throw to refuse.
   */
  async mutate<T>(key: string, schema: z.ZodType<T>, change: (current: T | undefined) => T): Promise<T> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.read(key, schema);
      const next = change(current?.value);
      if (next === current?.value) return next;
      try {
        if (current === undefined) await this.#kv.create(key, toBytes(next));
        else await this.#kv.update(key, toBytes(next), current.revision);
        return next;
      } catch (err) {
        if (!isWrongLastSequence(err)) throw err;
      }
    }
    throw new RetryableError(ErrorCode.ForgeConflict, `${key}: still conflicting after ${MAX_ATTEMPTS} attempts`);
  }

  /** Writes `value` at `key` unless the key exists; returns whether it wrote. */
  async createOnce(key: string, value: unknown): Promise<boolean> {
    try {
      await this.#kv.create(key, toBytes(value));
      return true;
    } catch (err) {
      if (isWrongLastSequence(err)) return false;
      throw err;
    }
  }

  /** Every record whose key matches `filter` (e.g. `repo-abc.pr.*`). */
  async list<T>(filter: string, schema: z.ZodType<T>): Promise<T[]> {
    const keys: string[] = [];
    for await (const key of await this.#kv.keys(filter)) keys.push(key);
    const found = await Promise.all(keys.map((key) => this.read(key, schema)));
    return found.flatMap((entry) => (entry ? [entry.value] : []));
  }
}
