/**
 * Commander option parsers that apply the configuration's zod rules (`infra/config.ts`
 * `Rules`): `0`, a negative number or `abc` gets commander's one-line error naming the flag
 * (`error: option '--timeout <s>' argument 'abc' is invalid. …`) and exit code 1.
 */
import { InvalidArgumentError } from "commander";
import type { ZodType } from "zod";

/**
 * An option parser that accepts what `rule` accepts and refuses the rest with its message,
 * followed by the flag's `unit` when given (`… expected number to be <=604800 (seconds)`).
 */
export function ruleArg<T>(rule: ZodType<T>, unit?: string): (value: string) => T {
  return (value) => {
    const parsed = rule.safeParse(value);
    if (parsed.success) return parsed.data;
    const message = parsed.error.issues[0]?.message ?? "invalid";
    throw new InvalidArgumentError(unit ? `${message} (${unit})` : message);
  };
}
