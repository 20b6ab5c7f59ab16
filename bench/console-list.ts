// The console's list against the number of ended workflows: its own nats-server, real ended
// records (a few workflows run through an in-process coordinator, merger and checker) copied
// under new ids into the `ended` bucket with a mix of types and statuses, and the gateway
// served in this process. It times the list's first page — GET /api/workflows (JSON), bare,
// filtered by status, by a type that is 2% of the records and by a type that has none, and the
// HTML page /workflows with the same queries when the gateway serves it — and, for reference,
// the client's listPage with the same filters, with 1 000 ended records (the baseline), then
// with 100 000, in the same process. It prints p50/p95 and their ratios, and how long the fill
// took. Figures only; nothing is asserted.
// Usage: PATH=$PWD/node_modules/.bin:$PATH node bench/console-list.ts [--ended 100000]
//   [--baseline 1000] [--requests 50] [--warmup 5] [--in-flight 64]
import type { AddressInfo } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { PatchbayClient } from "../infra/client/index.ts";
import { connectNats } from "../infra/nats/connect.ts";
import { startNatsServer } from "../infra/nats/launcher.ts";
import { provision } from "../infra/nats/provision.ts";
import { Bucket } from "../protocol/subjects.ts";
import { createGateway } from "../services/gateway/server.ts";
import { MIX, copyOf, originFor, putCopies } from "./lib/ended-fill.ts";
import { endedTemplates, type Templates } from "./lib/ended-templates.ts";
import { listCases, measureCases, measureListing, pageCases, type CaseResult } from "./lib/page-timing.ts";
import { columns, round, table } from "./lib/stats.ts";

interface Options {
  ended: number;
  baseline: number;
  requests: number;
  warmup: number;
  inFlight: number;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      ended: { type: "string", default: "100000" },
      baseline: { type: "string", default: "1000" },
      requests: { type: "string", default: "50" },
      warmup: { type: "string", default: "5" },
      "in-flight": { type: "string", default: "64" },
    },
  });
  const int = (name: keyof typeof values, min: number): number => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min)
      throw new Error(`--${name}: expected an integer ≥ ${min}, got '${values[name]}'`);
    return n;
  };
  const opts = {
    ended: int("ended", 1),
    baseline: int("baseline", 1),
    requests: int("requests", 1),
    warmup: int("warmup", 0),
    inFlight: int("in-flight", 1),
  };
  if (opts.baseline >= opts.ended) throw new Error("--baseline must be below --ended");
  return opts;
}

/** Puts copies `from`..`to - 1` and returns the time it took, in ms. */
async function fill(kv: KV, templates: Templates, from: number, to: number, opts: Options): Promise<number> {
  const origin = originFor(opts.ended);
  const t0 = performance.now();
  await putCopies(kv, from, to, (i) => copyOf(templates, i, origin), opts.inFlight);
  return performance.now() - t0;
}

const fmt = (ms: number) => `${round(ms, 1)} ms`;
const count = (n: number) => n.toLocaleString("en");
const rate = (n: number, ms: number) => `${count(Math.round(n / (ms / 1_000)))} records/s`;
/** The filters: a type that is 2% of the records (ended-fill.ts's MIX), and one that has none. */
const CASES = listCases("quality-gate", "code-migration");

/** What was measured at one number of ended records. */
interface Measured {
  http: CaseResult[];
  listing: CaseResult[];
  /** From the gateway's start until its counts by status were complete (its scan of `ended`). */
  countsMs: number;
}

/** Asks for the counts until the gateway's scan of `ended` has counted every record. */
async function countsReady(base: string): Promise<number> {
  const started = performance.now();
  for (;;) {
    const body = (await (await fetch(`${base}/api/workflows?limit=1`)).json()) as { complete?: boolean };
    if (body.complete) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The table of the cases: p50 and p95 at the baseline and at the full count, their ratios, what came back. */
function caseTable(base: CaseResult[], full: CaseResult[], opts: Options): string {
  const [b, f] = [count(opts.baseline), count(opts.ended)];
  const rows = [["", `p50 ${b}`, `p95 ${b}`, `p50 ${f}`, `p95 ${f}`, "p50 ×", "p95 ×", "shown", "KB"]];
  const ms = (v: number) => round(v, 1).toFixed(1);
  const ratio = (a: number, z: number) => `${round(z / a, 2).toFixed(2)}×`;
  for (const [i, r] of full.entries()) {
    const s = base[i];
    if (!r.served || !s.served) continue;
    const cells = [ms(s.p50), ms(s.p95), ms(r.p50), ms(r.p95), ratio(s.p50, r.p50), ratio(s.p95, r.p95)];
    const shown = r.shown ? `${s.shown?.count ?? "?"} → ${r.shown.count}` : "";
    rows.push([r.label, ...cells, shown, r.kb === undefined ? "" : `${s.kb} → ${r.kb}`]);
  }
  return columns(rows);
}

/** Lines naming what did not answer 200 (the HTML list before the console serves it) or did not apply its filter. */
function notes(base: CaseResult[], full: CaseResult[], opts: Options): string[] {
  const unserved = full.filter((r) => !r.served).map((r) => `  ${r.label}: not served yet (HTTP ${r.status})`);
  const unfiltered = (results: CaseResult[], n: number) =>
    results
      .filter((r) => r.shown && r.shown.unmatched > 0)
      .map(
        (r) =>
          `  ${r.label} (${count(n)}): filter not applied, ${r.shown?.unmatched} of ${r.shown?.count} do not match`,
      );
  return [...unserved, ...unfiltered(base, opts.baseline), ...unfiltered(full, opts.ended)];
}

/** Serves the gateway in process and measures its pages, then the client's listing. */
async function measureAt(nc: NatsConnection, opts: Options): Promise<Measured> {
  const client = new PatchbayClient(nc);
  const server = createGateway(client, {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    // The pages are timed once the counts are complete, so the scan does not share their time.
    const countsMs = await countsReady(base);
    const http = await measureCases(base, pageCases(CASES), opts.requests, opts.warmup);
    const listing = await measureListing(client, CASES, opts.requests, opts.warmup);
    return { http, listing, countsMs };
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    client.close();
  }
}

/** What the fills took, the bench's memory after them, and the server's version. */
interface Facts {
  base: number;
  rest: number;
  /** The bench's memory right after the fill: V8 heap in use, and resident. */
  memory: string;
  server: string;
}

function report(base: Measured, full: Measured, fills: Facts, opts: Options): void {
  const mix = Object.entries(MIX).map(([name, n]) => `${n}% ${name}`);
  const machine = `${availableParallelism()} CPUs, load average ${loadavg()[0].toFixed(2)}`;
  console.log(
    `console list against ended workflows (nats-server ${fills.server}, Node ${process.version}, ${machine})`,
  );
  console.log(`ended records: copies of real ones; ${mix.join(", ")}, the rest bench-fanout/completed\n`);
  const rest = opts.ended - opts.baseline;
  const puts = `${opts.inFlight} puts in flight; then ${fills.memory}`;
  console.log(
    table([
      [`fill: first ${count(opts.baseline)}`, `${fmt(fills.base)} (${rate(opts.baseline, fills.base)})`],
      [`fill: ${count(rest)} more`, `${fmt(fills.rest)} (${rate(rest, fills.rest)}, ${puts})`],
    ]),
  );
  console.log(
    `  counts by status complete (the gateway's scan of ended): ${fmt(base.countsMs)} at ${count(opts.baseline)}, ${fmt(full.countsMs)} at ${count(opts.ended)}`,
  );
  const calls = `${opts.requests} sequential calls per row after ${opts.warmup} warm-up ones`;
  console.log(
    `\nms, ${calls} (a type with no record: at most 5 after 1; a filtered page reads at most 20,000 records)`,
  );
  console.log(`\nGET on the gateway (to the last byte):\n${caseTable(base.http, full.http, opts)}`);
  console.log(
    `\nin process, the client's listPage (what the page reads; no HTTP, no JSON):\n${caseTable(base.listing, full.listing, opts)}`,
  );
  const lines = notes([...base.http, ...base.listing], [...full.http, ...full.listing], opts);
  if (lines.length) console.log(`\n${lines.join("\n")}`);
}

async function run(nc: NatsConnection, opts: Options): Promise<void> {
  console.error("running the template workflows (about 6 s: one waits out a 5 s queue timeout)…");
  const templates = await endedTemplates(nc);
  const kv = await new Kvm(nc).open(Bucket.Ended);
  const baseFill = await fill(kv, templates, 0, opts.baseline, opts);
  console.error(`measuring with ${opts.baseline} ended records…`);
  const base = await measureAt(nc, opts);
  console.error(`writing ${opts.ended - opts.baseline} more…`);
  const restFill = await fill(kv, templates, opts.baseline, opts.ended, opts);
  const mem = process.memoryUsage();
  const memory = `heap used ${Math.round(mem.heapUsed / 2 ** 20)} MB, RSS ${Math.round(mem.rss / 2 ** 20)} MB`;
  console.error(`measuring with ${opts.ended} ended records…`);
  const full = await measureAt(nc, opts);
  report(base, full, { base: baseFill, rest: restFill, memory, server: nc.info?.version ?? "?" }, opts);
}

async function main(): Promise<void> {
  const opts = options();
  const dir = await mkdtemp(join(tmpdir(), "patchbay-console-list-"));
  const server = await startNatsServer({ storeDir: dir });
  const nc = await connectNats({ url: server.url, name: "bench-console-list" });
  try {
    await provision(nc);
    await run(nc, opts);
  } finally {
    await nc.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
