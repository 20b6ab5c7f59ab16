/**
 * A bounded output collector: counts every byte a stream produced but keeps only the last
 * `maxBytes` of them, so a chatty command cannot exhaust memory.
 */

/** Keeps the tail of a byte stream and counts the whole of it. */
export class OutputTail {
  readonly #maxBytes: number;
  readonly #chunks: Buffer[] = [];
  #kept = 0;
  #total = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Appends a chunk, dropping whole chunks from the front that are no longer needed. */
  push(chunk: Buffer): void {
    this.#total += chunk.length;
    this.#chunks.push(chunk);
    this.#kept += chunk.length;
    while (this.#chunks.length > 1 && this.#kept - this.#chunks[0].length >= this.#maxBytes) {
      this.#kept -= this.#chunks[0].length;
      this.#chunks.shift();
    }
  }

  /** Bytes seen in total. */
  get totalBytes(): number {
    return this.#total;
  }

  /** Whether bytes were dropped. */
  get truncated(): boolean {
    return this.#total > this.#maxBytes;
  }

  /** The last `maxBytes` bytes as UTF-8, starting at a character boundary when cut. */
  text(): string {
    const all = Buffer.concat(this.#chunks);
    let start = Math.max(0, all.length - this.#maxBytes);
    if (start > 0) {
      // Skip UTF-8 continuation bytes (10xxxxxx) so the tail does not open with U+FFFD.
      const limit = Math.min(all.length, start + 3);
      while (start < limit && (all[start] & 0xc0) === 0x80) start++;
    }
    return all.subarray(start).toString("utf8");
  }
}
