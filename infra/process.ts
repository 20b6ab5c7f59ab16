/** Process lifecycle for mains: graceful shutdown on SIGTERM/SIGINT, and exit with the supervisor. */

/**
 * Runs `stop` once on SIGTERM, SIGINT or when the supervising parent goes away (IPC
 * disconnect), then exits. A second signal exits at once.
 */
export function onShutdown(stop: () => Promise<void>, log: (line: string) => void = console.error): void {
  let stopping = false;
  const run = (why: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    log(`${why}: draining`);
    stop().then(
      () => process.exit(0),
      (err) => {
        log(`shutdown failed: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => run("SIGTERM"));
  process.on("SIGINT", () => run("SIGINT"));
  if (process.send) process.on("disconnect", () => run("supervisor gone"));
}

/** Prints a one-line error with its code and exits non-zero. */
export function exitWithError(err: unknown): never {
  const e = err as { code?: string; message?: string };
  console.error(`error: ${e.code ? `${e.code} ` : ""}${e.message ?? String(err)}`);
  process.exit(1);
}
