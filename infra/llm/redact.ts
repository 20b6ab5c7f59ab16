/**
 * Keeping the API key out of everything patchbay writes: errors, logs, transcripts, spans
 * and records pass their text through {@link redactSecret} before it leaves the client.
 */

/** The placeholder a key is replaced with. */
export const REDACTED = "[redacted]";

/** `text` with every occurrence of `secret` (when it is a real key, 8 characters or more) replaced. */
export function redactSecret(text: string, secret: string): string {
  if (secret.length < 8) return text;
  return text.split(secret).join(REDACTED);
}
