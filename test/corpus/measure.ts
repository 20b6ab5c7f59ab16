/**
 * Measures the corpus repositories' own test runs on this machine, as their maintainers
 * would: the pinned package unpacked, `npm install` with the machine's own npm and Node
 * (/usr/bin first on PATH, never patchbay's Node), the repo's own test command, then the same
 * with the planted bug. Prints each repo's figures next to the manifest's and exits 1 when
 * they differ, so the manifest's numbers can be re-checked on any machine:
 *
 *   node test/corpus/measure.ts [name…]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { loadCorpus, plantBug, unpackRepo, type Counts, type CorpusRepo } from "../helpers/corpus.ts";
import { ownCounts, ownCoverage, ownFailures, shell } from "../helpers/own-run.ts";

/** What one own run gave. */
export interface Measured {
  tests: Counts;
  coverage?: number;
  planted: Counts;
  planted_failures: string[];
}

async function install(repo: CorpusRepo, dir: string): Promise<void> {
  const command = repo.own_run.install ?? (repo.source.kind === "npm" ? "npm install --no-audit --no-fund" : undefined);
  if (command === undefined) return;
  const result = await shell(command, dir);
  if (result.code !== 0) throw new Error(`${repo.name}: ${command} failed\n${result.output.slice(-2000)}`);
}

async function coverageOf(repo: CorpusRepo, dir: string, output: string): Promise<number | undefined> {
  if (repo.own_run.coverage_command === undefined) return ownCoverage(output);
  return ownCoverage((await shell(repo.own_run.coverage_command, dir)).output);
}

/** Measures one repository in a temp dir (removed afterwards). */
export async function measure(repo: CorpusRepo): Promise<Measured> {
  const dir = await mkdtemp(join(tmpdir(), `corpus-${repo.name}-`));
  try {
    await unpackRepo(repo, dir);
    await install(repo, dir);
    const main = await shell(repo.own_run.command, dir);
    const coverage = await coverageOf(repo, dir, main.output);
    await plantBug(dir, repo.planted);
    const planted = await shell(repo.own_run.command, dir);
    return {
      tests: ownCounts(main.output),
      coverage,
      planted: ownCounts(planted.output),
      planted_failures: ownFailures(planted.output),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** True when the measured figures are the manifest's (coverage within 0.5 point). */
export function agrees(repo: CorpusRepo, got: Measured): boolean {
  return (
    isDeepStrictEqual(got.tests, repo.own_run.tests) &&
    Math.abs((got.coverage ?? -100) - repo.own_run.coverage) <= 0.5 &&
    isDeepStrictEqual(got.planted, repo.planted.tests) &&
    repo.planted.failing_tests.every((name) => got.planted_failures.includes(name))
  );
}

async function main(names: string[]): Promise<number> {
  let status = 0;
  for (const repo of await loadCorpus(names.join(","))) {
    const got = await measure(repo);
    const ok = agrees(repo, got);
    if (!ok) status = 1;
    console.log(JSON.stringify({ repo: repo.name, agrees: ok, measured: got }, null, 2));
  }
  return status;
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
