/**
 * The Python 2 → 3 codemods, in the order a python3-migration plan runs them. All but the
 * last are tree-sitter rewrites that need nothing but this package; the last, `py-2to3`,
 * runs lib2to3's fixers when the machine's `python3` has lib2to3 and otherwise reports a
 * leftover per file. Environment: `PATCHBAY_LIB2TO3=off` builds the list with lib2to3
 * disabled, `PATCHBAY_PYTHON` names the interpreter (default `python3`).
 */
import type { Codemod } from "../codemod.ts";
import { dictMethodsCodemod } from "./dict-methods.ts";
import { divisionCodemod } from "./division.ts";
import { exceptCodemod } from "./except.ts";
import { execCodemod } from "./exec.ts";
import { importsCodemod } from "./imports.ts";
import { iteratorsCodemod } from "./iterators.ts";
import { lib2to3Codemod, lib2to3OptionsFromEnv } from "./lib2to3.ts";
import type { Lib2to3Options } from "./lib2to3.ts";
import { printCodemod } from "./print.ts";
import { stringsCodemod } from "./strings.ts";

export { LIB2TO3_FIXERS, lib2to3Codemod, lib2to3OptionsFromEnv } from "./lib2to3.ts";
export type { Lib2to3Options } from "./lib2to3.ts";

/** The Python codemods in plan order, `py-2to3` built with `lib2to3`. */
export function pythonCodemods(lib2to3: Lib2to3Options = lib2to3OptionsFromEnv()): readonly Codemod[] {
  return [
    printCodemod,
    exceptCodemod,
    execCodemod,
    importsCodemod,
    stringsCodemod,
    dictMethodsCodemod,
    iteratorsCodemod,
    divisionCodemod,
    lib2to3Codemod(lib2to3),
  ];
}

/** The Python codemods in plan order, configured from the environment when this module loads. */
export const PYTHON_CODEMODS: readonly Codemod[] = pythonCodemods();
