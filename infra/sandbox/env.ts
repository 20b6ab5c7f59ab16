/**
 * The sandbox's environment: built from an allow-list, never copied from the parent. Only
 * PATH and LANG are taken from the inherited environment; HOME and TMPDIR point at
 * directories inside the worktree; extra variables are the caller's, and names that look
 * like secrets are refused even there.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";

/** Variables copied from the inherited environment when set. */
export const INHERITED_VARS: readonly string[] = ["PATH", "LANG"];

/** Directory names, relative to the worktree root, used as HOME and TMPDIR. */
export const SANDBOX_HOME_DIR = ".patchbay-home";
export const SANDBOX_TMP_DIR = ".patchbay-tmp";

/** PATH used when the inherited environment has none. */
const DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

/** Names never passed to a sandboxed command, not even as explicit extras. */
const SECRET_NAME = /^(NATS|OPENAI)_|(^|_)(TOKEN|KEY|SECRET|PASSWORD|PASSWD|CREDENTIALS?)(_|$)/i;

/** Names the sandbox always sets itself. */
const RESERVED = new Set(["HOME", "TMPDIR"]);

/** Whether a variable name looks like it carries a secret (and so is never passed). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** Inputs of {@link buildSandboxEnv}. */
export interface SandboxEnvInput {
  /** The environment PATH and LANG are picked from (nothing else is read from it). */
  inherit: Readonly<Record<string, string | undefined>>;
  /** Extra variables the caller wants set; secret-looking names are refused. */
  extra?: Readonly<Record<string, string>>;
  /** The worktree root (a real path). */
  root: string;
}

/** Builds the environment and creates its HOME and TMPDIR inside the worktree. */
export async function buildSandboxEnv(input: SandboxEnvInput): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const name of INHERITED_VARS) {
    const value = input.inherit[name];
    if (value !== undefined && value !== "") env[name] = value;
  }
  env.PATH ??= DEFAULT_PATH;
  for (const [name, value] of Object.entries(input.extra ?? {})) {
    if (isSecretName(name)) {
      throw new TerminalError(ErrorCode.InvalidInput, `sandbox env: refusing secret-looking variable ${name}`);
    }
    if (RESERVED.has(name) || name.includes("=") || name === "") {
      throw new TerminalError(
        ErrorCode.InvalidInput,
        `sandbox env: variable name ${JSON.stringify(name)} is not allowed`,
      );
    }
    env[name] = value;
  }
  env.HOME = join(input.root, SANDBOX_HOME_DIR);
  env.TMPDIR = join(input.root, SANDBOX_TMP_DIR);
  await mkdir(env.HOME, { recursive: true });
  await mkdir(env.TMPDIR, { recursive: true });
  return env;
}
