/**
 * File extension → tree-sitter grammar. Grammars are the prebuilt `.wasm` files shipped in
 * the tree-sitter-javascript, -typescript and -python packages; each is loaded at most once
 * per thread (worker or main) and then reused by one parser per language.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { Language, Parser } from "web-tree-sitter";
import type { LanguageId } from "./types.ts";

/** Which rule and metric dialect a grammar belongs to. */
export type LanguageFamily = "js" | "python";

const EXTENSIONS: Readonly<Record<string, LanguageId>> = {
  ".js": "javascript",
  ".mjs": "javascript",
  ".cjs": "javascript",
  ".jsx": "javascript",
  ".ts": "typescript",
  ".mts": "typescript",
  ".cts": "typescript",
  ".tsx": "tsx",
  ".py": "python",
  ".pyi": "python",
};

const WASM: Readonly<Record<LanguageId, { pkg: string; file: string }>> = {
  javascript: { pkg: "tree-sitter-javascript", file: "tree-sitter-javascript.wasm" },
  typescript: { pkg: "tree-sitter-typescript", file: "tree-sitter-typescript.wasm" },
  tsx: { pkg: "tree-sitter-typescript", file: "tree-sitter-tsx.wasm" },
  python: { pkg: "tree-sitter-python", file: "tree-sitter-python.wasm" },
};

/** Every supported extension, lower case with the dot. */
export const SUPPORTED_EXTENSIONS: readonly string[] = Object.keys(EXTENSIONS);

/** The grammar for a path, by extension (case-insensitive), or null when unsupported. */
export function languageForPath(filePath: string): LanguageId | null {
  return EXTENSIONS[path.extname(filePath).toLowerCase()] ?? null;
}

/** The dialect of a grammar. */
export function familyOf(language: LanguageId): LanguageFamily {
  return language === "python" ? "python" : "js";
}

const require = createRequire(import.meta.url);
let runtime: Promise<void> | undefined;
const parsers = new Map<LanguageId, Promise<Parser>>();
const ready = new Map<LanguageId, Parser>();

/** Absolute path of a grammar's `.wasm` file inside its npm package. */
export function wasmPath(language: LanguageId): string {
  const { pkg, file } = WASM[language];
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
}

async function createParser(language: LanguageId): Promise<Parser> {
  runtime ??= Parser.init();
  await runtime;
  const grammar = await Language.load(wasmPath(language));
  const parser = new Parser();
  parser.setLanguage(grammar);
  ready.set(language, parser);
  return parser;
}

/** Loads the grammars (once per thread); afterwards {@link parserFor} answers synchronously. */
export async function loadLanguages(languages: Iterable<LanguageId>): Promise<void> {
  const pending: Promise<Parser>[] = [];
  for (const language of new Set(languages)) {
    let parser = parsers.get(language);
    if (parser === undefined) {
      parser = createParser(language);
      parsers.set(language, parser);
      parser.catch(() => parsers.delete(language));
    }
    pending.push(parser);
  }
  await Promise.all(pending);
}

/** The loaded parser for a grammar; throws if {@link loadLanguages} has not finished for it. */
export function parserFor(language: LanguageId): Parser {
  const parser = ready.get(language);
  if (parser === undefined) throw new Error(`grammar ${language} is not loaded`);
  return parser;
}
