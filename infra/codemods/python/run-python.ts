/**
 * Runs a Python interpreter on a program given with `-c`, feeding `input` on stdin, with a
 * timeout: how `py-2to3` asks the machine's `python3` for lib2to3. The interpreter only
 * parses the source it is given (lib2to3 never executes it).
 */
import { spawn } from "node:child_process";

/** How a Python run ended. */
export interface PythonRun {
  /** Exit code; null when killed (timeout) or when the interpreter did not start. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Why the interpreter did not start or was killed, if so. */
  failure?: string;
}

/** Runs `python -c program ...args` with `input` on stdin (UTF-8 both ways). */
export function runPython(
  python: string,
  program: string,
  args: readonly string[],
  input: string,
  timeoutMs: number,
): Promise<PythonRun> {
  return new Promise((resolve) => {
    const child = spawn(python, ["-c", program, ...args], {
      env: { ...process.env, PYTHONIOENCODING: "utf-8", PYTHONDONTWRITEBYTECODE: "1" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let failure: string | undefined;
    const timer = setTimeout(() => {
      failure = `timed out after ${timeoutMs} ms`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.stdin.on("error", () => undefined);
    child.on("error", (e) => {
      failure = `${python} could not be started: ${e.message}`;
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      const run = {
        exitCode: failure ? null : code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      };
      resolve(failure ? { ...run, failure } : run);
    });
    child.stdin.end(input, "utf8");
  });
}
