/**
 * patchbay's own git identity. Every git command patchbay runs gets it as `-c` settings
 * (user.*, and author.* / committer.*, which would otherwise take precedence over user.*),
 * so commits never carry the machine's or a developer's identity.
 */
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";

/** The name and email patchbay authors and commits as. */
export interface GitIdentity {
  /** e.g. `patchbay`. */
  name: string;
  /** e.g. `patchbay@example.invalid`. */
  email: string;
}

/** Throws TerminalError CONFIG_INVALID unless both fields are usable in a commit header. */
export function validateIdentity(identity: GitIdentity): GitIdentity {
  const bad = (value: string): boolean => value.trim() === "" || /[<>\n\r\0]/.test(value);
  if (bad(identity.name) || bad(identity.email)) {
    throw new TerminalError(
      ErrorCode.ConfigInvalid,
      `git identity must have a non-empty name and email without <, >, newlines: ${JSON.stringify(identity)}`,
    );
  }
  return { name: identity.name.trim(), email: identity.email.trim() };
}

/** The `key=value` settings (for `git -c`) that make `identity` the author and committer. */
export function identityConfig(identity: GitIdentity): string[] {
  const { name, email } = validateIdentity(identity);
  return ["user", "author", "committer"].flatMap((who) => [`${who}.name=${name}`, `${who}.email=${email}`]);
}
