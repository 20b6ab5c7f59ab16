/**
 * What the architect's model is asked for `plan.design` (infra/llm/prompt.ts keeps the
 * order): the role's instructions (the same on every task), the repository map and the
 * project's commands as context, and the requirement last.
 */
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { openingMessages } from "../../infra/llm/prompt.ts";
import type { ProjectCommands } from "./project.ts";

/** What the prompt is built from. */
export interface DesignPromptParts {
  requirement: string;
  base: string;
  baseSha: string;
  /** The rendered repository map. */
  map: string;
  project: ProjectCommands;
}

const INSTRUCTIONS = [
  "You are the architect of patchbay's plan-patch-pr workflow. You get a map of a repository (its files ranked by",
  "relevance to the requirement, each with the functions, classes and methods it declares) and a requirement.",
  "Design the smallest change that meets the requirement in this repository, following its layout and conventions.",
  "Answer JSON with these fields:",
  "- kind: feature for new behaviour, bugfix for a defect in existing behaviour.",
  "- title: a short title of the change, in the imperative.",
  "- architecture: how the change fits the existing code, in a few sentences.",
  "- components: the parts of the change, each {name, description, files}; files are the repository-relative",
  "  paths the component creates or changes. Give components separate files where you can: each is built by a",
  "  different engineer working in parallel.",
  "- dependencies: the modules and packages the change relies on (prefer what the repository already has).",
  "- file_structure: every repository-relative path the change creates or changes, each once.",
  "- test_strategy: which tests prove the change, where they live, and the command that runs them.",
  "Paths are relative to the repository root, with `/`, never absolute and never with `..`.",
].join("\n");

/** The opening messages of a design request. */
export function designMessages(parts: DesignPromptParts): ChatCompletionMessageParam[] {
  const commands = [
    `Test command: ${parts.project.test_command ?? "(none found)"}`,
    `Package manager: ${parts.project.package_manager ?? "(none found)"}`,
  ];
  return openingMessages({
    role: "architect",
    instructions: INSTRUCTIONS,
    context: `Repository map (path: symbols), most relevant first:\n${parts.map || "(no files)"}\n\n${commands.join("\n")}`,
    task: `Requirement: ${parts.requirement.trim()}\n\nDesign this change on ${parts.base} (${parts.baseSha.slice(0, 12)}).`,
  });
}
