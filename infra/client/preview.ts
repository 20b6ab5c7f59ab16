/**
 * A readable view of a message's payload, for the DLQ: the decoded message when it is one
 * (msgpack or JSON, protocol/codec.ts), else its first bytes as text when they are text, else
 * as hex.
 */
import { decodeRaw } from "../../protocol/codec.ts";

/** A readable view of a payload. */
export type PayloadPreview =
  /** The decoded message (an object or array), as JSON. */
  | { format: "json"; value: unknown }
  /** The first bytes as UTF-8 text. */
  | { format: "text"; text: string; truncated: boolean }
  /** The first bytes in hex. */
  | { format: "hex"; hex: string; truncated: boolean };

/** Bytes an excerpt shows at most. */
const EXCERPT_BYTES = 1_024;
const utf8 = new TextDecoder("utf-8", { fatal: true });
/** Control characters other than tab, newline and carriage return: not text. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/; // eslint-disable-line no-control-regex

/** The preview of `data`: decoded when it is a message, else a text or hex excerpt. */
export function previewPayload(data: Uint8Array): PayloadPreview {
  const value = decodedMessage(data);
  if (value !== undefined) return { format: "json", value };
  const truncated = data.length > EXCERPT_BYTES;
  const head = data.subarray(0, EXCERPT_BYTES);
  const text = asText(head, truncated);
  if (text !== undefined) return { format: "text", text, truncated };
  return { format: "hex", hex: Buffer.from(head).toString("hex"), truncated };
}

/** The decoded value when `data` is a message (an object or array), made plain JSON. */
function decodedMessage(data: Uint8Array): unknown {
  let value: unknown;
  try {
    value = decodeRaw(data);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  return JSON.parse(JSON.stringify(value, jsonSafe)) as unknown;
}

/** Big integers as strings, binary as hex: what JSON cannot hold as such. */
function jsonSafe(_key: string, v: unknown): unknown {
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString("hex");
  return v;
}

/** `bytes` as text when they are UTF-8 without control characters (a cut character at the end is allowed). */
function asText(bytes: Uint8Array, cut: boolean): string | undefined {
  for (let drop = 0; drop <= (cut ? 3 : 0); drop++) {
    try {
      const text = utf8.decode(bytes.subarray(0, bytes.length - drop));
      return CONTROL.test(text) ? undefined : text;
    } catch {
      // maybe a character cut at the end of the excerpt
    }
  }
  return undefined;
}
