/**
 * Options of the analysis pool and of each call, checked up front. Every rejection is a
 * {@link TerminalError} whose message starts with the offending option's name.
 */
import { availableParallelism } from "node:os";
import path from "node:path";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import { PROBE_SETS } from "./migration-probes.ts";
import type { ProbeSet } from "./types.ts";
import { RULE_IDS } from "./rules.ts";

/** Options of {@link createAnalysisPool}. */
export interface AnalysisPoolOptions {
  /** Worker threads (default: `os.availableParallelism()`), an integer from 1 to 256. */
  threads?: number;
  /** Tasks (batches of files) that may wait for a worker before calls are refused (default 1024). */
  maxQueue?: number;
  /** Files larger than this many bytes are reported, not parsed (default 2 MiB). */
  maxFileBytes?: number;
}

/** Options of one analysis call. */
export interface AnalyzeOptions {
  /** Ids of the pattern rules to run (default: all); `[]` runs none. */
  rules?: readonly string[];
  /** Migration probes to run as well (`react`, `python2`); none by default. */
  probes?: ProbeSet;
}

/** {@link AnalysisPoolOptions} with every default filled in. */
export type ResolvedPoolOptions = Required<AnalysisPoolOptions>;

/** The checked arguments of one analysis call. */
export interface AnalyzeArgs {
  /** Absolute, normalised root directory. */
  root: string;
  /** Paths relative to root, none escaping it. */
  relPaths: string[];
  /** Rule ids to run, or null for all. */
  rules: string[] | null;
  /** Migration probes to run, or null. */
  probes: ProbeSet | null;
}

const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

function invalid(message: string): TerminalError {
  return new TerminalError(ErrorCode.AnalysisOptionsInvalid, message);
}

function integerIn(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

function checkKeys(what: string, options: object, allowed: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw invalid(`${key} is not an option of ${what} (known: ${allowed.join(", ")})`);
  }
}

/** Checks pool options and fills in defaults. */
export function resolvePoolOptions(options: unknown): ResolvedPoolOptions {
  if (options === null || typeof options !== "object") throw invalid("options must be an object");
  checkKeys("createAnalysisPool", options, ["threads", "maxQueue", "maxFileBytes"]);
  const given = options as AnalysisPoolOptions;
  return {
    threads: integerIn("threads", given.threads ?? availableParallelism(), 1, 256),
    maxQueue: integerIn("maxQueue", given.maxQueue ?? 1024, 1, 1_000_000),
    maxFileBytes: integerIn("maxFileBytes", given.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, 1, 1024 ** 3),
  };
}

function resolveRules(options: unknown): string[] | null {
  if (options === null || typeof options !== "object") throw invalid("options must be an object");
  checkKeys("analyzeFiles", options, ["rules", "probes"]);
  const rules = (options as AnalyzeOptions).rules;
  if (rules === undefined) return null;
  if (!Array.isArray(rules)) throw invalid("rules must be an array of rule ids");
  for (const id of rules) {
    if (typeof id !== "string" || !RULE_IDS.includes(id)) {
      throw invalid(`rules: unknown rule ${JSON.stringify(id)} (known: ${RULE_IDS.join(", ")})`);
    }
  }
  return [...rules];
}

function resolveProbes(options: unknown): ProbeSet | null {
  const probes = (options as AnalyzeOptions).probes;
  if (probes === undefined) return null;
  if (!PROBE_SETS.includes(probes)) {
    throw invalid(`probes: unknown probe set ${JSON.stringify(probes)} (known: ${PROBE_SETS.join(", ")})`);
  }
  return probes;
}

function resolveRelPath(root: string, relPath: unknown, index: number): string {
  if (typeof relPath !== "string" || relPath === "") {
    throw new TerminalError(ErrorCode.InvalidInput, `relPaths[${index}] must be a non-empty string`);
  }
  const inside = path.relative(root, path.resolve(root, relPath));
  if (
    path.isAbsolute(relPath) ||
    inside === "" ||
    inside === ".." ||
    inside.startsWith(`..${path.sep}`) ||
    path.isAbsolute(inside)
  ) {
    throw new TerminalError(ErrorCode.InvalidInput, `relPaths[${index}] ${JSON.stringify(relPath)} is not inside root`);
  }
  return relPath;
}

/** Checks the arguments of one analysis call. */
export function resolveAnalyzeArgs(root: unknown, relPaths: unknown, options: unknown): AnalyzeArgs {
  if (typeof root !== "string" || root === "")
    throw new TerminalError(ErrorCode.InvalidInput, "root must be a non-empty path");
  if (!Array.isArray(relPaths)) throw new TerminalError(ErrorCode.InvalidInput, "relPaths must be an array of paths");
  const absRoot = path.resolve(root);
  return {
    root: absRoot,
    relPaths: relPaths.map((relPath, index) => resolveRelPath(absRoot, relPath, index)),
    rules: resolveRules(options),
    probes: resolveProbes(options),
  };
}
