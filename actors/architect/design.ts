/**
 * The architect's `plan.design` task (plan-patch-pr): the repository at `base` is mapped
 * (repo-map.ts: its files ranked by relevance to the requirement, within `map_tokens`), the
 * model is asked for a design as a structured output (one repair, then INVALID_MODEL_OUTPUT),
 * and the design is kept in the `artifacts` store with the input and the map it was made
 * from. The model is asked after the worktree is released, so no repository lock is held
 * while it thinks. A task delivered again (the same run and input) gets the stored design
 * back without asking the model twice.
 */
import { z } from "zod";
import type { ModelClient } from "../../infra/llm/client.ts";
import { structured } from "../../infra/llm/structured.ts";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import { Design, DesignComponent, DesignInput, DesignOutput } from "../../protocol/plan-patch-pr.ts";
import type { ArchitectPorts } from "./analyze.ts";
import { designMessages, type DesignPromptParts } from "./design-prompt.ts";
import { projectCommands } from "./project.ts";
import { buildRepoMap, type RepoMap } from "./repo-map.ts";

/** What a design task needs of its task context. */
export interface DesignTask {
  signal: AbortSignal;
  /** The design's name in the artifacts store. */
  artifact: string;
}

/** A path the design may name: repository-relative, without `..`. */
function isRepoPath(path: string): boolean {
  return path !== "" && !path.startsWith("/") && !/^[a-zA-Z]:/.test(path) && !path.split(/[\\/]/).includes("..");
}

/**
 * The design as the model must answer it: the contract's schema, its non-empty strings checked
 * here rather than as `minLength` (which strict structured outputs may refuse), and
 * repository-relative paths.
 */
const ModelDesign = Design.extend({
  title: z.string(),
  components: z.array(DesignComponent.extend({ name: z.string() })).min(1),
}).superRefine((design, ctx) => {
  if (design.title.trim() === "") ctx.addIssue({ code: "custom", path: ["title"], message: "the title is empty" });
  design.components.forEach((c, i) => {
    if (c.name.trim() === "")
      ctx.addIssue({ code: "custom", path: ["components", i, "name"], message: "the name is empty" });
  });
  const files = [...design.file_structure, ...design.components.flatMap((c) => c.files)];
  for (const path of files.filter((p) => !isRepoPath(p)))
    ctx.addIssue({ code: "custom", message: `${JSON.stringify(path)} is not a repository-relative path` });
});

function architectModel(model: ModelClient | undefined): ModelClient {
  if (model !== undefined) return model;
  throw new TerminalError(
    ErrorCode.ModelNotConfigured,
    "the architect has no model: set PATCHBAY_MODEL_URL and PATCHBAY_MODEL or PATCHBAY_MODEL_ARCHITECT (README, Use a real model)",
  );
}

/** The repository map and the project's commands at `input.base`. */
async function mapRepository(
  ports: ArchitectPorts,
  input: DesignInput,
): Promise<{ map: RepoMap; prompt: DesignPromptParts }> {
  const repo = await ports.workspaces.ensureClone(input.repo);
  return ports.workspaces.withWorktree(repo, { ref: input.base }, async (dir, git) => {
    const tracked = (await git.raw(["ls-files", "-z"])).split("\0").filter(Boolean);
    const map = await buildRepoMap(ports.analysis, dir, tracked, input.requirement, input.map_tokens);
    const baseSha = (await git.revparse(["HEAD"])).trim();
    const project = projectCommands(dir, tracked);
    return { map, prompt: { requirement: input.requirement, base: input.base, baseSha, map: map.text, project } };
  });
}

/** What the artifact holds: the output, and what it was made from. */
const StoredDesign = DesignOutput.extend({ input: DesignInput, map: z.string() });

/** The design stored by an earlier delivery of this task, if it was made for the same input. */
async function storedDesign(
  ports: ArchitectPorts,
  input: DesignInput,
  name: string,
): Promise<DesignOutput | undefined> {
  const text = await ports.artifacts.get(name);
  const stored = text === undefined ? undefined : StoredDesign.safeParse(JSON.parse(text));
  if (!stored?.success || JSON.stringify(stored.data.input) !== JSON.stringify(input)) return undefined;
  const { input: _input, map: _map, ...output } = stored.data;
  return output;
}

/** Designs the change `input.requirement` asks for; MODEL_NOT_CONFIGURED without a model. */
export async function designChange(ports: ArchitectPorts, input: DesignInput, task: DesignTask): Promise<DesignOutput> {
  const model = architectModel(ports.model);
  const earlier = await storedDesign(ports, input, task.artifact);
  if (earlier !== undefined) return earlier;
  const { map, prompt } = await mapRepository(ports, input);
  const answer = await structured(model, {
    schema: ModelDesign,
    name: "design",
    messages: designMessages(prompt),
    signal: task.signal,
  });
  const design = answer.value;
  const output = {
    design,
    base_sha: prompt.baseSha,
    map_files: map.files,
    map_tokens: map.tokens,
    usage: answer.usage,
    artifact: task.artifact,
  };
  const kept = { input, ...output, map: map.text };
  await ports.artifacts.put(task.artifact, JSON.stringify(kept, null, 2));
  ports.log(
    `design of ${input.repo}: ${design.kind} "${design.title}", ${design.components.length} components, map of ${map.files} files (${map.tokens} tokens)`,
  );
  return output;
}
