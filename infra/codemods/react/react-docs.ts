/**
 * `react-docs`: the repository's Markdown, migrated like its code. Every fenced code block in
 * JavaScript, JSX, TypeScript or TSX (by its info string) goes through the source codemods
 * (`react-root-api`, `react-test-utils`, `react-find-dom-node`, `react-lifecycles`) as if it were
 * a file of its own; the prose is untouched. A block the parser cannot read (a fragment) is left
 * as it is; leftovers are reported at their line in the Markdown file.
 */
import type { Codemod, CodemodOutcome, SourceFinding } from "../codemod.ts";
import { reactFindDomNode } from "./react-find-dom-node.ts";
import { reactLifecycles } from "./react-lifecycles.ts";
import { reactRootApi } from "./react-root-api.ts";
import { reactTestUtils } from "./react-test-utils.ts";

const SOURCE_CODEMODS: readonly Codemod[] = [reactLifecycles, reactFindDomNode, reactRootApi, reactTestUtils];
const FENCE = /^(```+|~~~+)[ \t]*([A-Za-z]*)[^\n]*\n([\s\S]*?)^\1[ \t]*$/gm;
const EXTENSION: Readonly<Record<string, string>> = {
  js: "js",
  javascript: "js",
  jsx: "jsx",
  ts: "ts",
  typescript: "ts",
  tsx: "tsx",
};

/** One code block: where its code starts (offset and 1-based line) and the file name it is parsed as. */
interface Block {
  start: number;
  end: number;
  line: number;
  code: string;
  file: string;
}

function blocksOf(source: string, docFile: string): Block[] {
  const blocks: Block[] = [];
  for (const m of source.matchAll(FENCE)) {
    const ext = EXTENSION[m[2].toLowerCase()];
    if (ext === undefined) continue;
    const start = (m.index ?? 0) + m[0].indexOf("\n") + 1;
    const line = source.slice(0, start).split("\n").length;
    blocks.push({ start, end: start + m[3].length, line, code: m[3], file: `${docFile}#L${line}.${ext}` });
  }
  return blocks;
}

async function migrateBlock(block: Block, docFile: string): Promise<CodemodOutcome> {
  let code = block.code;
  let changes = 0;
  const leftovers: SourceFinding[] = [];
  for (const codemod of SOURCE_CODEMODS) {
    const out = await codemod.apply(code, block.file);
    if (out.leftovers.some((l) => /syntax/i.test(l.api))) return { source: block.code, changes: 0, leftovers: [] };
    code = out.source;
    changes += out.changes;
    leftovers.push(...out.leftovers.map((l) => ({ ...l, file: docFile, line: block.line + l.line - 1 })));
  }
  return { source: code, changes, leftovers };
}

async function apply(source: string, file: string): Promise<CodemodOutcome> {
  let out = "";
  let at = 0;
  let changes = 0;
  const leftovers: SourceFinding[] = [];
  for (const block of blocksOf(source, file)) {
    const migrated = await migrateBlock(block, file);
    out += source.slice(at, block.start) + migrated.source;
    at = block.end;
    changes += migrated.changes;
    leftovers.push(...migrated.leftovers);
  }
  return { source: out + source.slice(at), changes, leftovers };
}

async function scan(source: string, file: string): Promise<SourceFinding[]> {
  const found: SourceFinding[] = [];
  for (const block of blocksOf(source, file))
    for (const codemod of SOURCE_CODEMODS)
      for (const f of await codemod.scan(block.code, block.file))
        if (!/syntax/i.test(f.api)) found.push({ ...f, file, line: block.line + f.line - 1 });
  return found;
}

/** The React 18 rewrites applied to the code blocks of Markdown files. */
export const reactDocs: Codemod = {
  id: "react-docs",
  description: "code blocks of the Markdown docs migrated like the sources",
  matches: (file) => /\.(md|mdx|markdown)$/i.test(file),
  scan,
  apply,
};
