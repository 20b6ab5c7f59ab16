/**
 * Every role a registered workflow dispatches to must have a process: `up` and the demo check
 * the Procfile (and `--scale`) against the registry before starting anything, so a missing
 * role is named at once instead of leaving its tasks queued forever.
 */
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import type { Role } from "../../protocol/roles.ts";
import type { ProcSpec } from "./supervisor.ts";

/** Each needed role that no Procfile line runs (or that `--scale` sets to 0), with the workflows that need it. */
export function rolesWithoutProcess(
  needed: ReadonlyMap<Role, string[]>,
  specs: readonly ProcSpec[],
  scale: ReadonlyMap<string, number>,
): Array<{ role: Role; workflows: string[]; scaledToZero: boolean }> {
  const missing: Array<{ role: Role; workflows: string[]; scaledToZero: boolean }> = [];
  for (const [role, workflows] of needed) {
    const spec = specs.find((s) => s.name === role);
    if (!spec) missing.push({ role, workflows, scaledToZero: false });
    else if (scale.get(role) === 0) missing.push({ role, workflows, scaledToZero: true });
  }
  return missing;
}

/** Throws ROLE_MISSING naming every role without a process and how to add it. */
export function assertEveryRoleRuns(
  needed: ReadonlyMap<Role, string[]>,
  specs: readonly ProcSpec[],
  scale: ReadonlyMap<string, number> = new Map(),
): void {
  const missing = rolesWithoutProcess(needed, specs, scale);
  if (missing.length === 0) return;
  const lines = missing.map((m) =>
    m.scaledToZero
      ? `role '${m.role}' (needed by ${m.workflows.join(", ")}) is scaled to 0`
      : `role '${m.role}' (needed by ${m.workflows.join(", ")}) has no Procfile line; add "${m.role}: node services/${m.role}/main.ts"`,
  );
  throw new TerminalError(ErrorCode.RoleMissing, lines.join("; "));
}
