/**
 * How the CLI reports a failure, the same way for every command and every kind of error (a bad
 * flag, NATS unreachable, a bad input, a workflow that failed or timed out): exit code 1 and,
 * without `--json`, one line `error: CODE message` on stderr; with `--json`, one JSON object on
 * stdout and nothing on stderr: `{"error": {"code", "message"}}`, or
 * `{"id", "error": {"code", "message"}}` when the error belongs to a workflow.
 */
import { CommanderError, type Command } from "commander";
import { ErrorCode, ensureError, type ErrorInfo } from "../../protocol/errors.ts";

/** Whether `argv` (the process's arguments) asks for JSON: `--json` before any `--`. */
function wantsJson(argv: readonly string[] = process.argv): boolean {
  const end = argv.indexOf("--");
  return (end < 0 ? argv : argv.slice(0, end)).includes("--json");
}

/** Prints `error` as this page describes (for workflow `id` when given) and sets exit code 1. */
export function reportError(error: ErrorInfo, json: boolean | undefined, id?: string): void {
  if (json) console.log(JSON.stringify(id === undefined ? { error } : { id, error }));
  else console.error(`error: ${error.code} ${error.message}`);
  process.exitCode = 1;
}

/** {@link reportError} for anything thrown. */
export function reportFailure(err: unknown, json: boolean | undefined): void {
  const { code, message } = ensureError(err);
  reportError({ code, message }, json);
}

/**
 * Makes commander's own errors (unknown option, bad or missing argument) follow the same rule,
 * as INVALID_INPUT, and lets {@link finishParse} set the exit code instead of commander exiting.
 * Call before adding commands: subcommands copy these settings.
 */
export function reportUsageErrors(program: Command, json = wantsJson()): Command {
  return program.exitOverride().configureOutput({
    outputError: (text, write) => {
      if (!json) return write(text);
      reportError({ code: ErrorCode.InvalidInput, message: text.trim().replace(/^error: /, "") }, true);
    },
  });
}

/** Ends a parse that threw: commander's exits (help, version, usage errors) keep their code. */
export function finishParse(err: unknown): void {
  if (err instanceof CommanderError) process.exitCode = err.exitCode;
  else reportFailure(err, wantsJson());
}
