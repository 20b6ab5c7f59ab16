/**
 * How requests are laid out so that a provider's prompt cache can hit: the role's system
 * prompt (which starts with the role marker) and the stable context come first, byte for byte
 * the same on every call of a role; the part that varies (the task) comes last.
 */
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";

/** The marker a system prompt starts with: `[patchbay:role=coder]`. The scripted model server matches on it. */
export function roleMarker(role: string): string {
  return `[patchbay:role=${role}]`;
}

/** The parts of a first request. */
export interface PromptParts {
  role: string;
  /** The role's instructions: the same for every task of the role. */
  instructions: string;
  /** Context shared by many tasks (a repository map, a design), kept stable between calls. */
  context?: string;
  /** What this task asks; always last. */
  task: string;
}

/** The opening messages: system (marker + instructions), then the stable context, then the task. */
export function openingMessages(parts: PromptParts): ChatCompletionMessageParam[] {
  const system = `${roleMarker(parts.role)}\n${parts.instructions.trim()}`;
  const messages: ChatCompletionMessageParam[] = [{ role: "system", content: system }];
  if (parts.context !== undefined && parts.context.trim() !== "") {
    messages.push({ role: "user", content: `Context:\n${parts.context.trim()}` });
  }
  messages.push({ role: "user", content: parts.task.trim() });
  return messages;
}
