/**
 * Tools patchbay brings itself, found in its own node_modules: eslint (with the default
 * config shipped beside this file) and c8. Missing tools are reported, never guessed.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);

/** The default eslint config patchbay applies to repos without one. */
export const DEFAULT_ESLINT_CONFIG = fileURLToPath(new URL("./eslint-default.config.js", import.meta.url));

/** A tool's entry script, or why it is missing. */
export type ToolPath = { ok: true; path: string } | { ok: false; reason: string };

function packageFile(name: string, file: string): ToolPath {
  try {
    return { ok: true, path: join(dirname(require.resolve(`${name}/package.json`)), file) };
  } catch (err) {
    return {
      ok: false,
      reason: `${name} is not installed with patchbay (${err instanceof Error ? err.message.split("\n")[0] : String(err)})`,
    };
  }
}

/** patchbay's eslint CLI script. */
export function eslintBin(): ToolPath {
  return packageFile("eslint", "bin/eslint.js");
}

/** patchbay's c8 CLI script. */
export function c8Bin(): ToolPath {
  return packageFile("c8", "bin/c8.js");
}

/** c8's default excludes (from @istanbuljs/schema), to which patchbay adds its own. */
export function c8DefaultExcludes(c8Path: string): string[] {
  try {
    const fromC8 = createRequire(c8Path);
    const list: unknown = fromC8("@istanbuljs/schema/default-exclude.js");
    return Array.isArray(list) ? list.filter((item): item is string => typeof item === "string") : [];
  } catch {
    return ["coverage/**", "test{,s}/**", "**/*{.,-}test.{js,cjs,mjs,ts,tsx,jsx}", "**/__tests__/**"];
  }
}
