/**
 * The coding agent's tools: their definitions as the model sees them (JSON Schema from zod)
 * and their execution. Arguments are validated; a bad argument, a refused path or a failed
 * edit comes back to the model as the tool's error text, never as a crash of the loop.
 */
import type { ChatCompletionTool } from "openai/resources/chat/completions";
import { z } from "zod";
import {
  createFile,
  deleteFile,
  editFile,
  listFiles,
  readFileRange,
  searchFiles,
  ToolError,
} from "./workspace-tools.ts";

/** How the agent runs a command in the sandbox (the repository's tests, a build). */
export type RunCommand = (
  argv: string[],
  signal?: AbortSignal,
) => Promise<{ exitCode: number | null; output: string; timedOut: boolean }>;

/** What the tools work on. */
export interface ToolContext {
  worktree: string;
  run: RunCommand;
  /** The repository's test command (argv), when known. */
  testCommand?: string[];
  signal?: AbortSignal;
}

type Tool<S extends z.ZodType> = {
  description: string;
  args: S;
  run: (ctx: ToolContext, args: z.output<S>) => Promise<string>;
};

const tool = <S extends z.ZodType>(t: Tool<S>): Tool<S> => t;
const path = z.string().min(1).describe("path relative to the repository root");

function commandResult(argv: string[], r: Awaited<ReturnType<RunCommand>>): string {
  const ending = r.timedOut ? "timed out" : `exit code ${r.exitCode}`;
  const tail = r.output.length > 6000 ? `…\n${r.output.slice(-6000).replace(/^[^\n]*\n/, "")}` : r.output;
  return `$ ${argv.join(" ")}\n${ending}\n${tail}`;
}

/** Every tool, by name. */
export const TOOLS = {
  list_files: tool({
    description: "List the repository's files (ignored ones left out), optionally under a folder.",
    args: z.object({ path: z.string().optional() }),
    run: async (ctx, a) => (await listFiles(ctx.worktree, a.path)).join("\n") || "no files",
  }),
  read_file: tool({
    description: "Read a file, or lines start_line..end_line of it (numbered, at most 400 lines).",
    args: z.object({
      path,
      start_line: z.number().int().min(1).optional(),
      end_line: z.number().int().min(1).optional(),
    }),
    run: (ctx, a) => readFileRange(ctx.worktree, a.path, a.start_line, a.end_line),
  }),
  search: tool({
    description: "Search the repository's files for a regular expression; answers file:line: text.",
    args: z.object({ pattern: z.string().min(1), path: z.string().optional() }),
    run: (ctx, a) => searchFiles(ctx.worktree, a.pattern, a.path),
  }),
  edit_file: tool({
    description: "Replace one exact, unique occurrence of `search` in a file by `replace`.",
    args: z.object({ path, search: z.string(), replace: z.string() }),
    run: (ctx, a) => editFile(ctx.worktree, a.path, a.search, a.replace),
  }),
  create_file: tool({
    description: "Create a new file with the given content.",
    args: z.object({ path, content: z.string() }),
    run: (ctx, a) => createFile(ctx.worktree, a.path, a.content),
  }),
  delete_file: tool({
    description: "Delete a file.",
    args: z.object({ path }),
    run: (ctx, a) => deleteFile(ctx.worktree, a.path),
  }),
  run_tests: tool({
    description: "Run the repository's own tests and see the result.",
    args: z.object({}),
    run: async (ctx) => {
      if (ctx.testCommand === undefined) throw new ToolError("this repository has no test command patchbay knows");
      return commandResult(ctx.testCommand, await ctx.run(ctx.testCommand, ctx.signal));
    },
  }),
  run_command: tool({
    description: "Run a command (argv, no shell) in the repository, in the sandbox.",
    args: z.object({ argv: z.array(z.string()).min(1) }),
    run: async (ctx, a) => commandResult(a.argv, await ctx.run(a.argv, ctx.signal)),
  }),
} as const;

/** A tool's name. */
export type ToolName = keyof typeof TOOLS;

/** The tool definitions sent with every request, in a fixed order (part of the cacheable prefix). */
export function toolDefinitions(): ChatCompletionTool[] {
  return Object.entries(TOOLS).map(([name, t]) => ({
    type: "function",
    function: { name, description: t.description, parameters: z.toJSONSchema(t.args) as Record<string, unknown> },
  }));
}

/** Runs one tool call; what it returns, or its error, is the text the model reads. */
export async function runTool(ctx: ToolContext, name: string, rawArgs: string): Promise<{ ok: boolean; text: string }> {
  const found = (TOOLS as Record<string, Tool<z.ZodType>>)[name];
  if (found === undefined) return { ok: false, text: `Error: no tool named ${name}` };
  let json: unknown;
  try {
    json = rawArgs.trim() === "" ? {} : JSON.parse(rawArgs);
  } catch (err) {
    return { ok: false, text: `Error: arguments are not JSON (${(err as Error).message})` };
  }
  const args = found.args.safeParse(json);
  if (!args.success)
    return {
      ok: false,
      text: `Error: ${args.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    };
  try {
    return { ok: true, text: await found.run(ctx, args.data) };
  } catch (err) {
    if (err instanceof ToolError) return { ok: false, text: `Error: ${err.message}` };
    throw err;
  }
}
