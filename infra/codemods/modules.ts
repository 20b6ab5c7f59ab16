/**
 * Codemod modules a deployment adds (PATCHBAY_CODEMODS): each exports `codemods`, an array
 * of {@link Codemod}. A module that cannot be loaded, or exports something else, stops the
 * process at start with CONFIG_INVALID naming it, instead of failing plans later.
 */
import { pathToFileURL } from "node:url";
import { ErrorCode, TerminalError, ensureError } from "../../protocol/errors.ts";
import type { Codemod } from "./codemod.ts";

function isCodemod(value: unknown): value is Codemod {
  const c = value as Partial<Codemod> | null;
  return (
    typeof c?.id === "string" &&
    typeof c.description === "string" &&
    typeof c.matches === "function" &&
    typeof c.scan === "function" &&
    typeof c.apply === "function"
  );
}

/** The codemods exported by the modules at `paths`, in order. */
export async function loadCodemodModules(paths: readonly string[]): Promise<Codemod[]> {
  const all: Codemod[] = [];
  for (const path of paths) {
    let exported: unknown;
    try {
      exported = ((await import(pathToFileURL(path).href)) as { codemods?: unknown }).codemods;
    } catch (err) {
      throw new TerminalError(
        ErrorCode.ConfigInvalid,
        `PATCHBAY_CODEMODS: ${path} cannot be loaded: ${ensureError(err).message}`,
      );
    }
    if (!Array.isArray(exported) || !exported.every(isCodemod))
      throw new TerminalError(
        ErrorCode.ConfigInvalid,
        `PATCHBAY_CODEMODS: ${path} does not export codemods: Codemod[]`,
      );
    all.push(...exported);
  }
  return all;
}
