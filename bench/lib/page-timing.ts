/**
 * Timing the list's first page: sequential GETs of each case over HTTP (JSON API and HTML
 * page, bare and filtered), each timed to its last byte, and for reference the same filters
 * read in process through the client (what the page reads, without HTTP). Each after a
 * warm-up (at least one call), summarised as p50/p95 with what came back: the body's size,
 * how many workflows were shown and whether the filter was applied to them.
 */
import type { ListFilter, PatchbayClient } from "../../infra/client/index.ts";
import { quantile, round } from "./stats.ts";

/** The fields of a shown workflow a filter looks at. */
type Shown = { type?: string; status?: string };

/** One filter of the list: its query string, the client's filter, and what each workflow shown must satisfy. */
export interface ListCase {
  query: string;
  filter: ListFilter;
  matches: (view: Shown) => boolean;
  /** A slow case (it reads the whole bucket): timed over at most {@link FEW} calls after one warm-up. */
  slow?: boolean;
}

/** Calls of a slow case. */
const FEW = 5;

/** One page to time over HTTP. */
export interface PageCase {
  path: string;
  /** For a JSON page: what each workflow shown must satisfy if the filter is applied. */
  matches?: (view: Shown) => boolean;
  /** An HTML page that may not be served yet (a non-200 answer is reported, not an error). */
  optional?: boolean;
  slow?: boolean;
}

/** What one case measured. */
export interface CaseResult {
  /** The path requested, or the client call. */
  label: string;
  /** Whether it answered 200 (always, in process). */
  served: boolean;
  status: number;
  p50: number;
  p95: number;
  /** Size of the page's body (HTTP only). */
  kb?: number;
  /** How many workflows it showed, and how many of them its filter should have left out. */
  shown?: { count: number; unmatched: number };
}

/**
 * The filters timed: none, `status=failed`, `type=<type>`, and `type=<absent>` (a type with no
 * ended record: the listing reads the whole bucket before it answers an empty page).
 */
export function listCases(type: string, absent: string): ListCase[] {
  return [
    { query: "", filter: {}, matches: () => true },
    { query: "?status=failed", filter: { status: "failed" }, matches: (v) => v.status === "failed" },
    { query: `?type=${encodeURIComponent(type)}`, filter: { type }, matches: (v) => v.type === type },
    {
      query: `?type=${encodeURIComponent(absent)}`,
      filter: { type: absent },
      matches: (v) => v.type === absent,
      slow: true,
    },
  ];
}

/** The list's first page for each filter, as JSON (`/api/workflows`) and as HTML (`/workflows`). */
export function pageCases(cases: readonly ListCase[]): PageCase[] {
  return [
    ...cases.map((c) => ({ path: `/api/workflows${c.query}`, matches: c.matches, slow: c.slow })),
    ...cases.map((c) => ({ path: `/workflows${c.query}`, optional: true, slow: c.slow })),
  ];
}

/** Calls and warm-ups of a case: a slow one gets {@link FEW} calls after one warm-up. */
function callsOf(c: { slow?: boolean }, requests: number, warmup: number): [number, number] {
  return c.slow ? [Math.min(FEW, requests), Math.min(1, warmup)] : [requests, warmup];
}

/** Calls `fn` `warmup - 1` more times untimed, then `requests` times timed; returns the times and the last value. */
async function sample<T>(first: T, fn: () => Promise<T>, requests: number, warmup: number) {
  for (let i = 1; i < warmup; i++) await fn();
  const ms: number[] = [];
  let last = first;
  for (let i = 0; i < requests; i++) {
    const t0 = performance.now();
    last = await fn();
    ms.push(performance.now() - t0);
  }
  return { p50: quantile(ms, 0.5), p95: quantile(ms, 0.95), last };
}

/** GETs `url` and reads the whole body. */
async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

/** The workflows of a JSON page: the array itself, or its `workflows` field. */
function workflowsOf(body: string): Shown[] {
  const value: unknown = JSON.parse(body);
  if (Array.isArray(value)) return value;
  const workflows = (value as { workflows?: unknown }).workflows;
  if (Array.isArray(workflows)) return workflows;
  throw new Error(`not a list of workflows: ${body.slice(0, 120)}`);
}

function shownOf(shown: Shown[], matches: (v: Shown) => boolean): CaseResult["shown"] {
  return { count: shown.length, unmatched: shown.filter((v) => !matches(v)).length };
}

/** Times `requests` sequential GETs of `base + c.path` after `warmup` untimed ones. */
async function measureCase(base: string, c: PageCase, requests: number, warmup: number): Promise<CaseResult> {
  const url = `${base}${c.path}`;
  const first = await get(url);
  if (first.status !== 200) {
    if (!c.optional) throw new Error(`GET ${c.path} answered ${first.status}: ${first.body.slice(0, 200)}`);
    return { label: c.path, served: false, status: first.status, p50: NaN, p95: NaN };
  }
  const { p50, p95, last } = await sample(first, () => get(url), ...callsOf(c, requests, warmup));
  return {
    label: c.path,
    served: true,
    status: 200,
    p50,
    p95,
    kb: round(Buffer.byteLength(last.body) / 1024, 1),
    ...(c.matches ? { shown: shownOf(workflowsOf(last.body), c.matches) } : {}),
  };
}

/** Measures every case in turn against the gateway at `base`. */
export async function measureCases(
  base: string,
  cases: readonly PageCase[],
  requests: number,
  warmup: number,
): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  for (const c of cases) out.push(await measureCase(base, c, requests, warmup));
  return out;
}

/** The same filters read in process with `client.listPage` (the page's reads without HTTP and JSON). */
export async function measureListing(
  client: PatchbayClient,
  cases: readonly ListCase[],
  requests: number,
  warmup: number,
): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  for (const c of cases) {
    const read = () => client.listPage(c.filter);
    const { p50, p95, last } = await sample(await read(), read, ...callsOf(c, requests, warmup));
    const label = `listPage(${JSON.stringify(c.filter).replaceAll('"', "")})`;
    out.push({ label, served: true, status: 200, p50, p95, shown: shownOf(last.workflows, c.matches) });
  }
  return out;
}
