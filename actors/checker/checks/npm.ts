/**
 * npm's view of a repo's dependencies: `npm audit --json` (known vulnerabilities) and
 * `npm outdated --json` (outdated majors). Registries that refuse the audit endpoint (many
 * mirrors answer 405) or cannot be reached make that part skipped with the reason; a repo
 * that declares no dependencies has none of either without asking anyone. Neither answers for
 * a repository managed by pnpm, Yarn or bun (npm reads only its own lockfile), and outdated
 * cannot answer after a failed install (npm then compares against nothing and prints `{}`).
 */
import type { CheckIssue, Severity } from "../../../protocol/quality-gate.ts";
import type { Tree } from "../context.ts";
import { lastLines } from "../exec.ts";
import type { CommandResult } from "../exec.ts";
import { lastJsonObject } from "../runners/types.ts";

/** Vulnerability counts as npm reports them. */
export interface AuditCounts {
  critical: number;
  high: number;
  moderate: number;
  low: number;
  info: number;
  total: number;
}

/** An audit that answered, or why it did not. */
export type AuditResult =
  { ok: true; counts: AuditCounts; issues: CheckIssue[] } | { ok: false; reason: string; detail?: string };

/** Outdated packages, or why npm could not tell. */
export type OutdatedResult =
  { ok: true; outdatedMajor: number; outdated: number; issues: CheckIssue[] } | { ok: false; reason: string };

const NETWORK = /ENOTFOUND|ECONNREFUSED|EAI_AGAIN|ETIMEDOUT|ECONNRESET|ENETUNREACH|network/i;
const PART_TIMEOUT_MS = 90_000;
const ZERO: AuditCounts = { critical: 0, high: 0, moderate: 0, low: 0, info: 0, total: 0 };

function whyNot(result: CommandResult, json: unknown, what: string): { reason: string; detail?: string } {
  if (result.timedOut) return { reason: `${what} timed out after ${result.limitMs} ms` };
  const text = `${JSON.stringify(json ?? "")}\n${result.stdoutTail}\n${result.stderrTail}`;
  const detail = lastLines(result, 2);
  if (/ENOLOCK/.test(text)) return { reason: "no lockfile", detail };
  if (NETWORK.test(text)) return { reason: "registry offline", detail };
  if (/"statusCode":\s*[45]\d\d|audit endpoint returned an error|\b[45]\d\d [A-Z][a-z]+/.test(text))
    return { reason: "audit endpoint refused", detail };
  return { reason: `${what} failed (exit ${result.exitCode ?? result.signal})`, detail };
}

/** Why npm cannot speak for this tree's dependencies: another package manager, or none provided. */
export function notNpm(tree: Tree): string | undefined {
  const manager = tree.toolchain.manager;
  if (tree.project.kind !== "node" || manager?.spec.name === "npm") return undefined;
  if (manager === undefined) return `no package manager: ${tree.toolchain.problem ?? "none provided"}`;
  return `the repository uses ${manager.spec.name} (${manager.spec.source}); npm reads only its own lockfile`;
}

/** Runs `npm audit --json`. */
export async function npmAudit(tree: Tree): Promise<AuditResult> {
  if (tree.project.dependencies.length === 0) return { ok: true, counts: { ...ZERO }, issues: [] };
  const other = notNpm(tree);
  if (other !== undefined) return { ok: false, reason: other };
  const result = await tree.exec.run("npm", ["audit", "--json"], {
    timeoutMs: PART_TIMEOUT_MS,
    maxOutputBytes: 4 * 1024 * 1024,
  });
  const json = lastJsonObject(result.stdoutTail) as
    { metadata?: { vulnerabilities?: Partial<AuditCounts> }; vulnerabilities?: Record<string, unknown> } | undefined;
  const found = json?.metadata?.vulnerabilities;
  if (result.timedOut || found === undefined) return { ok: false, ...whyNot(result, json, "npm audit") };
  const counts = { ...ZERO, ...found };
  const issues = Object.entries(json?.vulnerabilities ?? {}).map(([name, entry]) =>
    auditIssue(name, entry, tree.project.lockfile ?? "package-lock.json"),
  );
  return { ok: true, counts, issues };
}

function auditIssue(name: string, entry: unknown, lockfile: string): CheckIssue {
  const { severity, via } = entry as { severity?: string; via?: unknown[] };
  const title = via
    ?.map((item) => (typeof item === "object" && item !== null ? (item as { title?: string }).title : undefined))
    .find(Boolean);
  const level: Severity =
    severity === "critical" || severity === "high" || severity === "low"
      ? severity
      : severity === "moderate"
        ? "medium"
        : "info";
  return {
    severity: level,
    message: `Vulnerable dependency ${name} (${severity ?? "unknown"})${title ? `: ${title}` : ""}`,
    file: lockfile,
    rule: "npm-audit",
  };
}

function major(version: unknown): number | undefined {
  if (typeof version !== "string") return undefined;
  const value = Number.parseInt(version.replace(/^[^\d]*/, ""), 10);
  return Number.isFinite(value) ? value : undefined;
}

/** Runs `npm outdated --json` (exit 1 just means something is outdated). */
export async function npmOutdated(tree: Tree): Promise<OutdatedResult> {
  if (tree.project.dependencies.length === 0) return { ok: true, outdatedMajor: 0, outdated: 0, issues: [] };
  const other = notNpm(tree);
  if (other !== undefined) return { ok: false, reason: other };
  if (tree.install?.ok === false)
    return {
      ok: false,
      reason: `dependencies not installed (${tree.install.unavailable ?? tree.install.issue?.message ?? "install failed"})`,
    };
  const result = await tree.exec.run("npm", ["outdated", "--json"], {
    timeoutMs: PART_TIMEOUT_MS,
    maxOutputBytes: 4 * 1024 * 1024,
  });
  const json = result.stdoutTail.trim() === "" && result.exitCode === 0 ? {} : lastJsonObject(result.stdoutTail);
  if (result.timedOut || json === undefined || json === null || typeof json !== "object" || "error" in json) {
    return { ok: false, ...whyNot(result, json, "npm outdated") };
  }
  const issues: CheckIssue[] = [];
  let outdated = 0;
  for (const [name, raw] of Object.entries(json)) {
    for (const entry of (Array.isArray(raw) ? raw : [raw]) as {
      current?: string;
      wanted?: string;
      latest?: string;
    }[]) {
      outdated += 1;
      const from = major(entry.current ?? entry.wanted);
      const to = major(entry.latest);
      if (from === undefined || to === undefined || to <= from) continue;
      issues.push({
        severity: "low",
        message: `Outdated major: ${name} ${entry.current ?? entry.wanted} → ${entry.latest}`,
        file: "package.json",
        rule: "outdated-major",
      });
    }
  }
  return { ok: true, outdatedMajor: issues.length, outdated, issues };
}
