/** Small statistics and formatting helpers shared by the benchmarks. */

/** The `q` quantile (0..1) of `values` by nearest rank; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/** p50, p90, p99 and max of a sample, in its unit. */
export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** The usual latency summary of a sample. */
export function percentiles(values: readonly number[]): Percentiles {
  return {
    p50: quantile(values, 0.5),
    p90: quantile(values, 0.9),
    p99: quantile(values, 0.99),
    max: values.length ? Math.max(...values) : Number.NaN,
  };
}

/** Rounds to `digits` decimals (keeps JSON output readable). */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Rounds every field of a percentile summary. */
export function roundPercentiles(p: Percentiles, digits = 2): Percentiles {
  return { p50: round(p.p50, digits), p90: round(p.p90, digits), p99: round(p.p99, digits), max: round(p.max, digits) };
}

/** Rows of label/value pairs as an aligned two-column table. */
export function table(rows: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join("\n");
}

/** Milliseconds since an origin taken with `performance.now()`. */
export function since(t0: number): number {
  return performance.now() - t0;
}

/** Rows of cells as aligned columns (the first row is the header); the first column left-aligned, the others right-aligned. */
export function columns(rows: ReadonlyArray<readonly string[]>): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows
    .map((r) => `  ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ")}`)
    .join("\n");
}
