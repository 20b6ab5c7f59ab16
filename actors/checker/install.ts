/**
 * Installing a repository's dependencies before its commands run, with its own package
 * manager (manager-provider.ts): `npm ci` / `pnpm install --frozen-lockfile` / `yarn install
 * --frozen-lockfile` (Berry: `--immutable`) / `bun install --frozen-lockfile` with a lockfile,
 * else the plain install (npm's writes an untracked lockfile that `npm audit` then reads). A
 * repo that declares no dependencies installs nothing. Lifecycle scripts run, as in any CI:
 * the repo's own code runs in the same sandbox a moment later anyway. When the declared Node or
 * the package manager could not be provided, nothing is installed and the install is
 * unavailable with the reason. Python repos install nothing: their commands run with the
 * interpreters found on the machine.
 */
import type { CheckIssue } from "../../protocol/quality-gate.ts";
import { lastLines, succeeded, timeoutIssue } from "./exec.ts";
import type { Exec } from "./exec.ts";
import { installArgs } from "./manager-provider.ts";
import type { Project } from "./project.ts";
import type { Toolchain } from "./toolchain.ts";

/** How the install went. */
export interface InstallOutcome {
  /** `npm ci`, `pnpm install --frozen-lockfile`, …, or undefined when nothing had to be installed. */
  command?: string;
  ok: boolean;
  /** Why it failed. */
  issue?: CheckIssue;
  /** Why it could not even start (the repository's Node or package manager is not available). */
  unavailable?: string;
  durationMs: number;
}

/** Installs the repo's dependencies (Node only) with its package manager on its Node. */
export async function installDependencies(exec: Exec, project: Project, toolchain: Toolchain): Promise<InstallOutcome> {
  if (project.kind !== "node" || project.dependencies.length === 0) return { ok: true, durationMs: 0 };
  const manager = toolchain.manager;
  if (toolchain.problem !== undefined || manager === undefined || toolchain.runtime === undefined) {
    const unavailable = toolchain.problem ?? "no Node or package manager for this repository";
    const issue: CheckIssue = {
      severity: "high",
      message: `dependencies not installed: ${unavailable}`,
      rule: "install",
    };
    return { ok: false, issue, unavailable, durationMs: 0 };
  }
  const args = installArgs(manager);
  const command = [manager.command, ...args.filter((arg) => !arg.startsWith("--no-") && !arg.startsWith("--log"))].join(
    " ",
  );
  const result = await exec.run(manager.command, args);
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
