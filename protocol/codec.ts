/**
 * The wire codec: msgpack (msgpackr, plain maps so any msgpack client can read it), with
 * JSON accepted on decode so `nats pub` users are served. Decoding validates with a zod
 * schema; any failure is a TerminalError `INVALID_MESSAGE` naming what was wrong.
 */
import { Packr } from "msgpackr";
import type { ZodType } from "zod";
import { ErrorCode, TerminalError } from "./errors.ts";

const packr = new Packr({ useRecords: false, moreTypes: false });
const OPEN_BRACE = 0x7b;
const textDecoder = new TextDecoder();

/** Encodes a value as msgpack. */
export function encode(value: unknown): Uint8Array {
  return packr.pack(value);
}

/** Decodes msgpack (or a JSON object) without schema checks. */
export function decodeRaw(data: Uint8Array): unknown {
  if (data.length === 0) throw new TerminalError(ErrorCode.InvalidMessage, "empty payload");
  try {
    if (data[0] === OPEN_BRACE) return JSON.parse(textDecoder.decode(data));
    return packr.unpack(data);
  } catch (err) {
    throw new TerminalError(
      ErrorCode.InvalidMessage,
      `payload is neither msgpack nor JSON: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

/** Decodes and validates a payload; the error names the first offending field. */
export function decode<T>(data: Uint8Array, schema: ZodType<T>): T {
  return parseOrThrow(decodeRaw(data), schema, ErrorCode.InvalidMessage);
}

/** Where a value sits, for errors: `checker/check.run input.check: …`. */
export interface ValueName {
  /** What the value belongs to, put first (e.g. a task contract's `role/kind`). */
  owner?: string;
  /** The value's own name, put before the field path (e.g. `input`). */
  root?: string;
}

/** Validates a value, throwing a TerminalError with `code` that names the offending field. */
export function parseOrThrow<T>(value: unknown, schema: ZodType<T>, code: string, name: ValueName = {}): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = [...(name.root ? [name.root] : []), ...(issue?.path ?? []).map(String)].join(".") || "(root)";
  throw new TerminalError(code, `${name.owner ? `${name.owner} ` : ""}${path}: ${issue?.message ?? "invalid"}`);
}
