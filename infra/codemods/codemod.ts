/**
 * The codemod interface shared by the code-migration roles: the architect scans files with
 * `scan` (on the analysis pool), the coder rewrites them with `apply`. A codemod is a pure
 * source-to-source transform of one file that keeps the file's formatting and touches
 * nothing it does not migrate. What it cannot migrate it lists as a leftover, with its line.
 */

/** One use of a deprecated API: found by a scan, or left over by an apply. */
export interface SourceFinding {
  /** Repository-relative path, `/`-separated. */
  file: string;
  /** 1-based line. */
  line: number;
  /** The API, e.g. `componentWillMount`, `ReactDOM.render`, `print statement`. */
  api: string;
  /** Why it is deprecated, or why the codemod left it. */
  message: string;
}

/** What applying a codemod to one file gives. */
export interface CodemodOutcome {
  /** The new source (equal to the input when nothing changed). */
  source: string;
  /** Number of rewrites made. */
  changes: number;
  /** Uses the codemod found but could not migrate safely. */
  leftovers: SourceFinding[];
}

/** A deterministic, file-level migration transform. */
export interface Codemod {
  /** Stable id, kebab-case, named by plans (`react-lifecycles`, `py-print`, …). */
  readonly id: string;
  /** One line for the migration report. */
  readonly description: string;
  /** Whether this codemod reads the file at this repository-relative path. */
  matches(file: string): boolean;
  /** The deprecated uses in `source`, without changing it. */
  scan(source: string, file: string): SourceFinding[] | Promise<SourceFinding[]>;
  /** Rewrites `source`. */
  apply(source: string, file: string): CodemodOutcome | Promise<CodemodOutcome>;
}
