/**
 * Installing a repository's dependencies before its commands run: `npm ci` with a lockfile,
 * else `npm install` (which writes an untracked lockfile that `npm audit` then reads). A
 * repo that declares no dependencies installs nothing. Lifecycle scripts run, as in any CI:
 * the repo's own code runs in the same sandbox a moment later anyway. Python repos install
 * nothing: their commands run with the interpreters found on the machine.
 */
import type { CheckIssue } from "../../protocol/quality-gate.ts";
import { lastLines, succeeded, timeoutIssue } from "./exec.ts";
import type { Exec } from "./exec.ts";
import type { Project } from "./project.ts";

/** How the install went. */
export interface InstallOutcome {
  /** `npm ci`, `npm install`, or undefined when nothing had to be installed. */
  command?: string;
  ok: boolean;
  /** Why it failed. */
  issue?: CheckIssue;
  durationMs: number;
}

/** Installs the repo's dependencies (Node only). */
export async function installDependencies(exec: Exec, project: Project): Promise<InstallOutcome> {
  if (project.kind !== "node" || project.dependencies.length === 0) return { ok: true, durationMs: 0 };
  const verb = project.lockfile !== undefined ? "ci" : "install";
  const result = await exec.run("npm", [verb, "--no-audit", "--no-fund", "--loglevel=error"]);
  const command = `npm ${verb}`;
  if (succeeded(result)) return { command, ok: true, durationMs: result.durationMs };
  const issue: CheckIssue = result.timedOut
    ? timeoutIssue(result, command)
    : {
        severity: "high",
        message: `${command} failed (exit ${result.exitCode ?? result.signal}): ${lastLines(result)}`,
        rule: "install",
      };
  return { command, ok: false, issue, durationMs: result.durationMs };
}
