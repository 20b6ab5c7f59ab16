/**
 * `py-imports`: standard-library modules renamed or split in Python 3 (the table is in
 * module-renames.ts: `ConfigParser` → `configparser`, `StringIO`/`cStringIO` → `io`,
 * `urllib2` → `urllib.request` + `urllib.error`, …).
 *
 * - `import X` → `import new` (a split module: the modules its uses need), and every
 *   `X.member` → `new.member` (members that were renamed too, e.g. `SafeConfigParser`).
 * - `import X as y` → `import new as y` for a renamed module.
 * - `from X import a, b` → `from new import a, b`; for a split module one `from` line per
 *   target module.
 * - A module name the file also binds with an alias (`import cStringIO as StringIO` next to
 *   `import StringIO`) keeps its name: `import io as StringIO`, uses unchanged.
 * Leftovers: a member of a split module the table does not know, `import urllib2 as u`,
 * `from urllib2 import *`, a split module used other than as `X.member`.
 */
import type { Node } from "web-tree-sitter";
import { isVariableReference, lineOf, nodesOfType } from "./syntax.ts";
import { planOf, replaceNode, treeCodemod } from "./rewrite.ts";
import type { LineNote, RewritePlan, SourceEdit } from "./rewrite.ts";
import { MODULE_RENAMES, movedMember } from "./module-renames.ts";

type Note = SourceEdit | LineNote | undefined;

function renamedNote(old: string): Omit<LineNote, "line"> {
  return { api: `import ${old}`, message: `${old} is a renamed module in Python 3` };
}

/** Modules imported as `import X` (unaliased, listed in the table), unless also bound as an alias. */
function plainImports(root: Node): Set<string> {
  const plain = new Set<string>();
  const aliases = new Set<string>();
  for (const s of nodesOfType(root, "import_statement"))
    for (const n of s.childrenForFieldName("name")) {
      if (n.type === "dotted_name" && MODULE_RENAMES[n.text]) plain.add(n.text);
      if (n.type === "aliased_import") aliases.add(n.childForFieldName("alias")?.text ?? "");
    }
  for (const alias of aliases) plain.delete(alias);
  return plain;
}

/** The modules a split module's uses need, read from its `X.member` attributes. */
function neededModules(root: Node, old: string): string[] {
  const modules = new Set<string>();
  for (const use of moduleUses(root, old)) {
    const member = use.parent?.type === "attribute" ? use.parent.childForFieldName("attribute")?.text : undefined;
    const moved = member ? movedMember(old, member) : undefined;
    if (moved) modules.add(moved.module);
  }
  return [...modules].sort();
}

/** Identifier nodes reading module `old` (outside imports). */
function moduleUses(root: Node, old: string): Node[] {
  return nodesOfType(root, "identifier").filter((n) => n.text === old && isVariableReference(n));
}

/**
 * The edit for one imported name. A plain `import X` whose name the file also binds with an
 * alias (`try: import X` / `except ImportError: import x as X`) keeps its name:
 * `import new as X`, and its uses stay as they are.
 */
function importName(name: Node, root: Node, plain: Set<string>): Note {
  const old = name.type === "aliased_import" ? (name.childForFieldName("name")?.text ?? "") : name.text;
  const entry = MODULE_RENAMES[old];
  if (!entry) return;
  if (entry.kind === "renamed") {
    const target = name.type === "aliased_import" ? (name.childForFieldName("name") as Node) : name;
    const alias = name.childForFieldName("alias")?.text;
    if (name.type === "dotted_name" && !plain.has(old))
      return replaceNode(name, `${entry.to} as ${old}`, renamedNote(old));
    return replaceNode(alias === entry.to ? name : target, entry.to, renamedNote(old));
  }
  const needed = neededModules(root, old);
  if (name.type === "aliased_import" || needed.length === 0)
    return { line: lineOf(name), api: `import ${old}`, message: `${name.text}: split module, rewrite by hand` };
  return replaceNode(name, needed.join(", "), renamedNote(old));
}

/** The imported names of a `from` statement, grouped by their Python 3 module. */
function groupedNames(old: string, names: Node[]): Map<string, string[]> | undefined {
  const groups = new Map<string, string[]>();
  for (const n of names) {
    const member = n.type === "aliased_import" ? (n.childForFieldName("name")?.text ?? "") : n.text;
    const alias = n.type === "aliased_import" ? n.childForFieldName("alias")?.text : undefined;
    const moved = movedMember(old, member);
    if (!moved) return;
    const local = alias ?? member;
    const text = moved.name === local ? local : `${moved.name} as ${local}`;
    groups.set(moved.module, [...(groups.get(moved.module) ?? []), text]);
  }
  return groups;
}

function fromImport(statement: Node, source: string): Note {
  const moduleName = statement.childForFieldName("module_name");
  const old = moduleName?.text ?? "";
  if (!moduleName || !MODULE_RENAMES[old]) return;
  const names = statement.childrenForFieldName("name");
  const groups = groupedNames(old, names);
  if (names.length === 0 || !groups)
    return { line: lineOf(statement), api: `from ${old} import`, message: `${statement.text}: rewrite by hand` };
  const lineStart = source.lastIndexOf("\n", statement.startIndex - 1) + 1;
  const indent = source.slice(lineStart, statement.startIndex);
  const lines = [...groups].map(([module, items]) => `from ${module} import ${items.join(", ")}`);
  const unchangedNames =
    groups.size === 1 && lines[0] === `from ${[...groups.keys()][0]} import ${names.map((n) => n.text).join(", ")}`;
  if (unchangedNames) return replaceNode(moduleName, [...groups.keys()][0] as string, renamedNote(old));
  return replaceNode(statement, lines.join(`\n${indent}`), renamedNote(old));
}

function attributeUse(use: Node): Note {
  const old = use.text;
  const parent = use.parent;
  const member = parent?.type === "attribute" ? parent.childForFieldName("attribute") : null;
  const moved = member ? movedMember(old, member.text) : undefined;
  if (parent && moved) return replaceNode(parent, `${moved.module}.${moved.name}`, renamedNote(old));
  const entry = MODULE_RENAMES[old];
  if (entry?.kind === "renamed") return replaceNode(use, entry.to, renamedNote(old));
  return {
    line: lineOf(use),
    api: `import ${old}`,
    message: `${old}${member ? `.${member.text}` : ""}: no known Python 3 home`,
  };
}

const OLD_NAMES = new RegExp(`\\b(${Object.keys(MODULE_RENAMES).join("|")})\\b`);

/** Plans the renamed-module rewrites of one file. */
export function planImports(root: Node, source: string): RewritePlan {
  if (!OLD_NAMES.test(source)) return { edits: [], leftovers: [] };
  const found: Note[] = [];
  const plain = plainImports(root);
  for (const s of nodesOfType(root, "import_statement"))
    for (const name of s.childrenForFieldName("name")) found.push(importName(name, root, plain));
  for (const s of nodesOfType(root, "import_from_statement")) found.push(fromImport(s, source));
  for (const old of plain) found.push(...moduleUses(root, old).map(attributeUse));
  return planOf(found);
}

/** The `py-imports` codemod. */
export const importsCodemod = treeCodemod({
  id: "py-imports",
  description: "renamed standard-library modules (urllib2, ConfigParser, StringIO, …) and their uses",
  plan: planImports,
});
