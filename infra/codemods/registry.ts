/**
 * The codemods a plan may name: patchbay's own (React, Python), plus any a caller adds (a
 * test fixture, a plugin). Ids are unique.
 */
import type { Codemod } from "./codemod.ts";
import { PYTHON_CODEMODS } from "./python/index.ts";
import { REACT_CODEMODS } from "./react/index.ts";

/** Codemods by id. */
export interface CodemodRegistry {
  /** The codemod with this id, or undefined. */
  get(id: string): Codemod | undefined;
  /** Every id, sorted. */
  ids(): string[];
}

/** patchbay's own codemods. */
export const BUILTIN_CODEMODS: readonly Codemod[] = [...REACT_CODEMODS, ...PYTHON_CODEMODS];

/** A registry of the built-in codemods and `extra`; a repeated id is a programming error. */
export function codemodRegistry(extra: readonly Codemod[] = []): CodemodRegistry {
  const byId = new Map<string, Codemod>();
  for (const codemod of [...BUILTIN_CODEMODS, ...extra]) {
    if (byId.has(codemod.id)) throw new Error(`codemod ${codemod.id} is registered twice`);
    byId.set(codemod.id, codemod);
  }
  return {
    get: (id) => byId.get(id),
    ids: () => [...byId.keys()].sort(),
  };
}
