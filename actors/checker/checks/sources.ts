/**
 * The files the analysis checks look at: tracked files in a language tree-sitter parses,
 * without vendored or generated code, and (for security) without tests, whose fixtures are
 * full of fake secrets and deliberate bad input.
 */
import { languageForPath } from "../../../infra/analysis/index.ts";

const GENERATED =
  /(^|\/)(node_modules|vendor|dist|build|coverage|\.venv|venv|site-packages|\.patchbay-home|\.patchbay-tmp)\/|\.min\.js$/;
const TESTS = /(^|\/)(test|tests|__tests__|spec)\/|\.(test|spec)\.[cm]?[jt]sx?$|(^|\/)test_[^/]*\.py$|_test\.py$/;

/** Tracked source files the analysis pool can parse. */
export function sourceFiles(files: readonly string[], options: { withTests: boolean }): string[] {
  return files.filter(
    (file) => languageForPath(file) !== null && !GENERATED.test(file) && (options.withTests || !TESTS.test(file)),
  );
}
