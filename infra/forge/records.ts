/**
 * The local forge's records as they are stored in KV (JSON), checked where they are read.
 * Stored records carry no URL: it is derived from the gateway URL when a record is read, so
 * links follow PATCHBAY_GATEWAY_URL.
 */
import { z } from "zod";
import { parseOrThrow } from "../../protocol/codec.ts";
import { ErrorCode } from "../../protocol/errors.ts";
import type { ForgeIssue, PullRequest } from "./types.ts";

const CommitStatusSchema = z.object({
  state: z.enum(["pending", "success", "failure", "error"]),
  context: z.string().min(1),
  description: z.string(),
  target_url: z.string().optional(),
  updated_at: z.number(),
});

const CommentSchema = z.object({
  id: z.number().int().positive(),
  key: z.string().optional(),
  author: z.string(),
  body: z.string(),
  created_at: z.number(),
  updated_at: z.number(),
});

/** A pull request in KV. */
export const StoredPullRequest = z.object({
  number: z.number().int().positive(),
  repo: z.string().min(1),
  title: z.string(),
  body: z.string(),
  head: z.string().min(1),
  base: z.string().min(1),
  labels: z.array(z.string()),
  state: z.enum(["open", "merged", "closed"]),
  statuses: z.array(CommitStatusSchema),
  comments: z.array(CommentSchema),
  merge_commit_sha: z.string().optional(),
  created_at: z.number(),
  updated_at: z.number(),
});
/** A pull request in KV: everything but its URL. */
export type StoredPullRequest = Omit<PullRequest, "url">;

/** An issue in KV. */
export const StoredIssue = z.object({
  number: z.number().int().positive(),
  repo: z.string().min(1),
  title: z.string(),
  body: z.string(),
  labels: z.array(z.string()),
  state: z.enum(["open", "closed"]),
  created_at: z.number(),
});
/** An issue in KV: everything but its URL. */
export type StoredIssue = Omit<ForgeIssue, "url">;

/** A repository's index (`<repoKey>.seq`): the number counter and the open pull requests. */
export const RepoIndex = z.object({
  /** The normalised repository, so a key found in a URL leads back to it. */
  repo: z.string().min(1),
  /** The number the next pull request or issue gets. */
  next: z.number().int().positive(),
  /** Open pull requests by {@link branchPair}. */
  open: z.record(z.string(), z.number().int().positive()),
});
/** A repository's index. */
export type RepoIndex = z.infer<typeof RepoIndex>;

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** JSON bytes of a record. */
export function toBytes(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** Parses a stored record; a malformed one is TerminalError INVALID_MESSAGE. */
export function fromBytes<T>(data: Uint8Array, schema: z.ZodType<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(data));
  } catch {
    value = undefined;
  }
  return parseOrThrow(value, schema, ErrorCode.InvalidMessage);
}

/** Labels as stored: trimmed, non-empty, each once, in the order first given. */
export function cleanLabels(labels: readonly string[]): string[] {
  return [...new Set(labels.map((label) => label.trim()).filter((label) => label !== ""))];
}
