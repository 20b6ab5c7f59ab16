// Benchmark of the tree-sitter analysis: generates a deterministic tree of mixed JS, TS and
// Python files in a temp dir, analyses it with the worker pool and in one thread in the
// same run, and prints files/s for each and their ratio.
// With --probes react|python2 the files also carry React 16 or Python 2 code and the
// migration probes run in the same parse (code-migration's analysis).
// Usage: node bench/analysis.ts [--files 2000] [--threads N] [--rounds 3] [--probes SET] [--json]
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { analyzeFilesInThread, createAnalysisPool } from "../infra/analysis/index.ts";
import type { AnalyzeOptions, FileAnalysis, ProbeSet } from "../infra/analysis/index.ts";

type Rng = () => number;

/** mulberry32: a small seeded PRNG so every run generates the same tree. */
function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function jsFunction(name: string, r: Rng, typed: boolean): string[] {
  const t = typed ? ": number" : "";
  const lines = [`export function ${name}(items${typed ? ": number[]" : ""}, limit${t})${t} {`, "  let total = 0;"];
  for (let b = 0; b < 2 + Math.floor(r() * 4); b++) {
    lines.push(
      `  for (const item of items) {`,
      `    if (item > limit && item % ${b + 2} === 0) {`,
      `      total += item * ${b};`,
      `    } else if (item < 0 || item === ${b}) {`,
      "      total -= 1;",
      "    }",
      "  }",
    );
  }
  lines.push("  const pick = (x" + t + ") => (x > total ? x : total ?? 0);", "  return pick(total);", "}");
  return lines;
}

function jsModule(i: number, r: Rng, typed: boolean): string {
  const lines = [`import { helper } from "../lib/helper${i % 17}.js";`, `const fs = require("node:fs");`];
  if (typed) lines.push(`export interface Row${i} { id: number; name: string }`);
  lines.push(
    `export class Service${i} {`,
    "  constructor(db) { this.db = db; }",
    `  find(id) { return this.db.query("SELECT * FROM t WHERE id = $1", [id]); }`,
    `  unsafe(id) { return this.db.query(\`SELECT * FROM t WHERE id = \${id}\`); }`,
    "}",
  );
  for (let f = 0; f < 3 + Math.floor(r() * 5); f++) lines.push(...jsFunction(`compute${i}_${f}`, r, typed));
  if (i % 10 === 0) lines.push(`const password = "hunter${i}x";`);
  return lines.join("\n") + "\n";
}

function pyFunction(name: string, r: Rng): string[] {
  const lines = [`def ${name}(items, limit):`, "    total = 0"];
  for (let b = 0; b < 2 + Math.floor(r() * 4); b++) {
    lines.push(
      "    for item in items:",
      `        if item > limit and item % ${b + 2} == 0:`,
      `            total += item * ${b}`,
      `        elif item < 0 or item == ${b}:`,
      "            total -= 1",
    );
  }
  lines.push("    return [x for x in items if x > total]");
  return lines;
}

function pyModule(i: number, r: Rng): string {
  const lines = [
    "import os",
    `from .lib import helper${i % 17}`,
    `class Service${i}:`,
    "    def find(self, cursor, uid):",
    '        cursor.execute("SELECT * FROM t WHERE id = %s", (uid,))',
    "    def unsafe(self, cursor, uid):",
    '        cursor.execute(f"SELECT * FROM t WHERE id = {uid}")',
    "",
  ];
  for (let f = 0; f < 3 + Math.floor(r() * 5); f++) lines.push(...pyFunction(`compute_${i}_${f}`, r), "");
  return lines.join("\n");
}

/** Code a migration probe finds: a React 16 component, or Python 2 statements. */
function legacyBlock(i: number, ext: string, probes: ProbeSet | undefined): string {
  if (probes === "react" && ext !== ".py")
    return [
      `const ReactDOM = require("react-dom");`,
      `class Legacy${i} extends React.Component {`,
      "  componentWillMount() { this.setState({ ready: true }); }",
      `  render() { return React.createElement("div", { ref: "box" }); }`,
      "}",
      `ReactDOM.render(React.createElement(Legacy${i}), document.body);`,
      "",
    ].join("\n");
  if (probes === "python2" && ext === ".py")
    return [
      "",
      "def legacy(d):",
      '    print "items", len(d)',
      "    for k, v in d.iteritems():",
      "        print k, v / 2",
      "",
    ].join("\n");
  return "";
}

/** Writes `count` files under `root` and returns their relative paths. */
async function generateTree(
  root: string,
  count: number,
  probes?: ProbeSet,
): Promise<{ paths: string[]; bytes: number }> {
  const r = rng(42);
  const paths: string[] = [];
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const ext = [".js", ".ts", ".py"][i % 3];
    const rel = path.join(`pkg${i % 40}`, `mod${i}${ext}`);
    const text = (ext === ".py" ? pyModule(i, r) : jsModule(i, r, ext === ".ts")) + legacyBlock(i, ext, probes);
    await mkdir(path.join(root, path.dirname(rel)), { recursive: true });
    await writeFile(path.join(root, rel), text);
    paths.push(rel);
    bytes += Buffer.byteLength(text);
  }
  return { paths, bytes };
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await run();
  return { ms: performance.now() - start, value };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

interface Measured {
  /** Median milliseconds of the timed rounds. */
  ms: number;
  /** Results of the last round. */
  results: FileAnalysis[];
}

async function measure(rounds: number, run: () => Promise<FileAnalysis[]>): Promise<Measured> {
  const times: number[] = [];
  let results: FileAnalysis[] = [];
  for (let i = 0; i < rounds; i++) {
    const round = await timed(run);
    times.push(round.ms);
    results = round.value;
  }
  return { ms: median(times), results };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      files: { type: "string", default: "2000" },
      threads: { type: "string", default: String(availableParallelism()) },
      rounds: { type: "string", default: "3" },
      json: { type: "boolean", default: false },
      probes: { type: "string" },
    },
  });
  const probes = values.probes as ProbeSet | undefined;
  const options: AnalyzeOptions = probes ? { probes, rules: [] } : {};
  const files = Number(values.files);
  const threads = Number(values.threads);
  const rounds = Number(values.rounds);
  const root = await mkdtemp(path.join(tmpdir(), "patchbay-bench-analysis-"));
  try {
    const tree = await generateTree(root, files, probes);
    const warmup = tree.paths.slice(0, 3);
    await analyzeFilesInThread(root, warmup, options);
    const single = await measure(rounds, () => analyzeFilesInThread(root, tree.paths, options));
    const pool = createAnalysisPool({ threads });
    try {
      const startup = await timed(() => pool.analyzeFiles(root, tree.paths.slice(0, threads * 3)));
      const pooled = await measure(rounds, () => pool.analyzeFiles(root, tree.paths, options));
      report({ files, bytes: tree.bytes, threads, rounds, startupMs: startup.ms, single, pooled, json: values.json });
    } finally {
      await pool.close();
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

interface ReportInput {
  files: number;
  bytes: number;
  threads: number;
  rounds: number;
  startupMs: number;
  single: Measured;
  pooled: Measured;
  json: boolean;
}

function report(input: ReportInput): void {
  const { files, single, pooled } = input;
  const perSecond = (ms: number): number => Math.round((files / ms) * 1000);
  const summary = {
    files,
    megabytes: Number((input.bytes / 1e6).toFixed(2)),
    threads: input.threads,
    cpu: cpus()[0]?.model ?? "unknown",
    rounds: input.rounds,
    inThreadFilesPerSec: perSecond(single.ms),
    poolFilesPerSec: perSecond(pooled.ms),
    ratio: Number((single.ms / pooled.ms).toFixed(2)),
    poolStartupMs: Math.round(input.startupMs),
    matches: pooled.results.reduce((n, r) => n + r.matches.length, 0),
    deprecatedUses: pooled.results.reduce((n, r) => n + r.deprecated.length, 0),
    identicalResults: JSON.stringify(single.results) === JSON.stringify(pooled.results),
  };
  if (input.json) {
    console.log(JSON.stringify(summary));
    return;
  }
  console.log(
    `analysis bench: ${files} files (${summary.megabytes} MB), ${input.threads} threads, median of ${input.rounds}`,
  );
  console.log(`  in one thread: ${summary.inThreadFilesPerSec} files/s`);
  console.log(`  pool:          ${summary.poolFilesPerSec} files/s (startup ${summary.poolStartupMs} ms, not timed)`);
  console.log(
    `  ratio:         ${summary.ratio}x; ${summary.matches} rule matches, ${summary.deprecatedUses} deprecated uses; identical results: ${summary.identicalResults}`,
  );
}

await main();
