/**
 * The sandbox's environment: built from a documented allow-list, never copied wholesale from
 * the parent. What a command needs to reach a registry the way its user does is passed
 * through — locale, CA bundles, proxies, npm/pip/yarn settings — and the user's npm, pip and
 * git config files are named explicitly (HOME points inside the worktree, so they would not be
 * found otherwise; under bubblewrap they are read-only like the rest of `/`). Nothing that
 * changes a test's behaviour (NO_COLOR, FORCE_COLOR, NODE_ENV) is added here. HOME and TMPDIR
 * point at directories inside the worktree; extra variables are the caller's.
 *
 * Secret-looking names: an explicit extra with such a name is refused (an error); an
 * allow-listed name that looks secret (`PIP_PASSWORD`, `YARN_NPM_AUTH_TOKEN`) is dropped
 * silently, since nobody asked for it by name.
 */
import { access, constants, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";

/** Variables copied from the inherited environment when set: locale, CA bundles, proxies. */
export const INHERITED_VARS: readonly string[] = [
  "PATH",
  "LANG",
  "LC_ALL",
  "TZ",
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "REQUESTS_CA_BUNDLE",
  "CURL_CA_BUNDLE",
  "GIT_SSL_CAINFO",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "ALL_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "all_proxy",
  "COREPACK_NPM_REGISTRY",
];

/** Prefixes of tool settings passed through: pip's and yarn's own variables. */
export const INHERITED_PREFIXES: readonly string[] = ["PIP_", "YARN_"];

/**
 * npm settings passed through as `npm_config_<key>` / `NPM_CONFIG_<key>` (any case): the
 * registry and network ones. The rest of npm's variables are left out on purpose: when
 * patchbay itself was started by npm, the parent holds npm's run-time snapshot
 * (`npm_config_local_prefix`, `npm_config_prefix`, `npm_config_cache`, …) that would point a
 * repository's npm at patchbay's own folders.
 */
export const NPM_CONFIG_KEYS: readonly string[] = [
  "registry",
  "cafile",
  "ca",
  "strict_ssl",
  "proxy",
  "https_proxy",
  "noproxy",
  "no_proxy",
  "maxsockets",
  "fetch_retries",
  "fetch_retry_factor",
  "fetch_retry_mintimeout",
  "fetch_retry_maxtimeout",
  "fetch_timeout",
  "userconfig",
  "globalconfig",
];

/** Directory names, relative to the worktree root, used as HOME and TMPDIR. */
export const SANDBOX_HOME_DIR = ".patchbay-home";
export const SANDBOX_TMP_DIR = ".patchbay-tmp";

/** PATH used when the inherited environment has none. */
const DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

/** Names never passed to a sandboxed command, not even as explicit extras. */
const SECRET_NAME = /^(NATS|OPENAI)_|(^|_)(TOKEN|KEY|SECRET|PASSWORD|PASSWD|CREDENTIALS?|AUTH)(_|$)|AUTHTOKEN/i;

/** Names the sandbox always sets itself. */
const RESERVED = new Set(["HOME", "TMPDIR"]);

/** Whether a variable name looks like it carries a secret (and so is never passed). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** Inputs of {@link buildSandboxEnv}. */
export interface SandboxEnvInput {
  /** The environment the allow-listed variables are picked from (nothing else is read from it). */
  inherit: Readonly<Record<string, string | undefined>>;
  /** Extra variables the caller wants set; secret-looking names are refused. */
  extra?: Readonly<Record<string, string>>;
  /** The worktree root (a real path). */
  root: string;
}

/** Whether an inherited variable is on the allow-list (and does not look secret). */
export function isPassedThrough(name: string): boolean {
  if (isSecretName(name)) return false;
  if (INHERITED_VARS.includes(name)) return true;
  if (INHERITED_PREFIXES.some((prefix) => name.startsWith(prefix))) return true;
  const npm = /^npm_config_(.+)$/i.exec(name);
  return npm !== null && (NPM_CONFIG_KEYS.includes(npm[1].toLowerCase()) || /^@[^:]+:registry$/.test(npm[1]));
}

/** The allow-listed variables of `inherit` that are set. */
export function passedThrough(inherit: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(inherit))
    if (value !== undefined && value !== "" && isPassedThrough(name)) env[name] = value;
  return env;
}

async function readable(path: string): Promise<boolean> {
  return access(path, constants.R_OK).then(
    () => true,
    () => false,
  );
}

/**
 * The user's own config files, named by variables since HOME is moved into the worktree:
 * `NPM_CONFIG_USERCONFIG` (~/.npmrc), `PIP_CONFIG_FILE` (~/.config/pip/pip.conf or
 * ~/.pip/pip.conf) and `GIT_CONFIG_GLOBAL` (~/.gitconfig), each only when the file is there and
 * the user did not name one already.
 */
export async function userConfigFiles(
  inherit: Readonly<Record<string, string | undefined>>,
): Promise<Record<string, string>> {
  const home = inherit.HOME;
  if (home === undefined || home === "") return {};
  const configHome = inherit.XDG_CONFIG_HOME ?? join(home, ".config");
  const wanted: [string, string[], boolean][] = [
    ["NPM_CONFIG_USERCONFIG", [join(home, ".npmrc")], "npm_config_userconfig" in inherit],
    ["PIP_CONFIG_FILE", [join(configHome, "pip/pip.conf"), join(home, ".pip/pip.conf")], false],
    ["GIT_CONFIG_GLOBAL", [join(home, ".gitconfig"), join(configHome, "git/config")], false],
  ];
  const files: Record<string, string> = {};
  for (const [name, candidates, namedOtherwise] of wanted) {
    if (inherit[name] !== undefined || namedOtherwise) continue;
    for (const path of candidates)
      if (await readable(path)) {
        files[name] = path;
        break;
      }
  }
  return files;
}

function checkExtra(name: string): void {
  if (isSecretName(name)) {
    throw new TerminalError(ErrorCode.InvalidInput, `sandbox env: refusing secret-looking variable ${name}`);
  }
  if (RESERVED.has(name) || name.includes("=") || name === "") {
    throw new TerminalError(
      ErrorCode.InvalidInput,
      `sandbox env: variable name ${JSON.stringify(name)} is not allowed`,
    );
  }
}

/** Builds the environment and creates its HOME and TMPDIR inside the worktree. */
export async function buildSandboxEnv(input: SandboxEnvInput): Promise<Record<string, string>> {
  const env: Record<string, string> = { ...passedThrough(input.inherit), ...(await userConfigFiles(input.inherit)) };
  env.PATH ??= DEFAULT_PATH;
  for (const [name, value] of Object.entries(input.extra ?? {})) {
    checkExtra(name);
    env[name] = value;
  }
  env.HOME = join(input.root, SANDBOX_HOME_DIR);
  env.TMPDIR = join(input.root, SANDBOX_TMP_DIR);
  await mkdir(env.HOME, { recursive: true });
  await mkdir(env.TMPDIR, { recursive: true });
  return env;
}
