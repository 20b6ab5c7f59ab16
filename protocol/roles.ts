/**
 * The actor roles: each is one pool of processes sharing the durable consumer `actor-<role>`
 * on `task.<role>`. A typo in a role name fails `tsc`.
 */

/**
 * The known role names. Code outside patchbay (a plugin, a test fixture) adds a role by
 * declaration merging:
 * `declare module ".../protocol/roles.ts" { interface RoleNames { greeter: true } }`.
 */
export interface RoleNames {
  /** Writes designs and analyses a codebase. */
  architect: true;
  /** Splits work into issues and steps. */
  planner: true;
  /** Patches code: auto-fix, codemods, the coding agent. */
  coder: true;
  /** Diagnoses incidents. */
  diagnoser: true;
  /** Runs the quality checks. */
  checker: true;
  /** Resolves targets, reports on PRs, merges. */
  merger: true;
}

/** One actor role. */
export type Role = Extract<keyof RoleNames, string>;

/** The roles patchbay ships, each with a Procfile line and a NATS user. */
export const BUILTIN_ROLES = [
  "architect",
  "planner",
  "coder",
  "diagnoser",
  "checker",
  "merger",
] as const satisfies readonly Role[];

/** A role name is a subject token: lower-case letters, digits and `-`. */
export const ROLE_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
