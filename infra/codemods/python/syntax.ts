/**
 * Reading Python source with the tree-sitter-python grammar for the Python 2 → 3 codemods.
 * The grammar is Python 3's, but it keeps the Python 2 shapes the codemods need: a
 * `print_statement` (with a `chevron` for `print >>f`), an `except_clause` whose type and
 * name are separated by `,`, an `exec_statement`, backticks as a string delimited by `` ` ``,
 * `<>` as a comparison operator and `0777` / `10L` as integers. What it cannot read becomes
 * an ERROR node; {@link descendants} and {@link nodesOfType} do not enter those, so no
 * codemod edits text the parser did not understand.
 */
import type { Node, Tree } from "web-tree-sitter";
import { loadLanguages, parserFor } from "../../analysis/languages.ts";

/** How many recent trees are kept: the codemods run one after another on one file's source. */
const TREE_CACHE_SIZE = 4;
const recentTrees = new Map<string, Tree>();

/** The tree of `source`, parsed once while it is among the last few sources read. */
function treeOf(source: string): Tree {
  const cached = recentTrees.get(source);
  recentTrees.delete(source);
  const tree = cached ?? parserFor("python").parse(source);
  if (tree === null) throw new Error("tree-sitter returned no tree for the Python source");
  recentTrees.set(source, tree);
  for (const [old, oldTree] of recentTrees) {
    if (recentTrees.size <= TREE_CACHE_SIZE) break;
    recentTrees.delete(old);
    oldTree.delete();
  }
  return tree;
}

/**
 * Runs `read` on the parse tree of `source` (loading the grammar on first use). `read` runs
 * synchronously and must not keep nodes: the tree is shared by the codemods reading the same
 * source and freed when newer sources push it out.
 */
export async function withPythonTree<T>(source: string, read: (root: Node) => T): Promise<T> {
  await loadLanguages(["python"]);
  return read(treeOf(source).rootNode);
}

/** Whether `node` lies inside an ERROR node. */
function insideError(node: Node): boolean {
  for (let p = node.parent; p !== null; p = p.parent) if (p.type === "ERROR") return true;
  return false;
}

/** Every node under `root` (itself included), in source order, skipping ERROR subtrees. */
export function descendants(root: Node): Node[] {
  const out: Node[] = [];
  const cursor = root.walk();
  for (let more = true; more;) {
    const node = cursor.currentNode;
    if (node.type !== "ERROR") out.push(node);
    if (node.type !== "ERROR" && cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling())
      if (cursor.currentNode.equals(root) || !cursor.gotoParent() || cursor.currentNode.equals(root)) {
        more = false;
        break;
      }
  }
  cursor.delete();
  return out;
}

/** The outermost ERROR nodes and the MISSING tokens: the places the parser could not read. */
export function unreadable(root: Node): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (node.type === "ERROR" || node.isMissing) out.push(node);
    else if (node.hasError) stack.push(...childrenOf(node));
  }
  return out.sort((a, b) => a.startIndex - b.startIndex);
}

/** Nodes of the given types under `root`, in source order, outside ERROR subtrees. */
export function nodesOfType(root: Node, ...types: string[]): Node[] {
  const found = root.descendantsOfType(types).filter((n) => !n.equals(root));
  const all = types.includes(root.type) ? [root, ...found] : found;
  return root.hasError ? all.filter((n) => !insideError(n)) : all;
}

/** The 1-based line a node starts on. */
export function lineOf(node: Node): number {
  return node.startPosition.row + 1;
}

/** The non-null children of a node. */
export function childrenOf(node: Node): Node[] {
  return node.children.filter((c): c is Node => c !== null);
}

/** The non-null named children of a node. */
export function namedChildrenOf(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null);
}

/** The method name and receiver of a method call `obj.name(...)`. */
export function methodCall(call: Node): { name: string; receiver: Node; args: Node[] } | undefined {
  const fn = call.type === "call" ? call.childForFieldName("function") : null;
  const name = fn?.type === "attribute" ? fn.childForFieldName("attribute") : null;
  const receiver = fn?.childForFieldName("object");
  const argList = call.childForFieldName("arguments");
  if (!name || !receiver || argList?.type !== "argument_list") return;
  return { name: name.text, receiver, args: namedChildrenOf(argList).filter((a) => a.type !== "comment") };
}

/** Whether the file has `from __future__ import <feature>`. */
export function hasFutureImport(root: Node, feature: string): boolean {
  return nodesOfType(root, "future_import_statement").some((s) =>
    namedChildrenOf(s).some((n) => n.text === feature || n.text.startsWith(`${feature} `)),
  );
}

const PARAMETER_LISTS = ["parameters", "lambda_parameters", "list_splat_pattern", "dictionary_splat_pattern"];
const PARAMETERS = ["default_parameter", "typed_parameter", "typed_default_parameter"];

/**
 * Whether an identifier reads or binds a variable: not the name after a `.`, not a keyword
 * argument's name, not a def/class name or parameter, not part of an import.
 */
export function isVariableReference(node: Node): boolean {
  const parent = node.parent;
  if (node.type !== "identifier" || parent === null) return false;
  if (parent.type === "attribute" && parent.childForFieldName("attribute")?.equals(node)) return false;
  if (parent.type === "keyword_argument" && parent.childForFieldName("name")?.equals(node)) return false;
  if (["function_definition", "class_definition"].includes(parent.type)) return false;
  if (PARAMETER_LISTS.includes(parent.type)) return false;
  if (PARAMETERS.includes(parent.type)) return !parent.childForFieldName("name")?.equals(node);
  return !["dotted_name", "aliased_import", "import_prefix"].includes(parent.type);
}

/** Names the file defines itself (def, class, assignment, `from` import, alias, parameter): those shadow builtins. */
export function definedNames(root: Node): Set<string> {
  const names = new Set<string>();
  const types = ["function_definition", "class_definition", "assignment", "aliased_import", "import_from_statement"];
  for (const node of nodesOfType(root, ...types, ...PARAMETER_LISTS, ...PARAMETERS)) {
    const name = node.childForFieldName("name");
    if ((node.type === "function_definition" || node.type === "class_definition") && name) names.add(name.text);
    if (node.type === "assignment") {
      const left = node.childForFieldName("left");
      if (left?.type === "identifier") names.add(left.text);
    }
    if (node.type === "aliased_import") names.add(node.childForFieldName("alias")?.text ?? "");
    if (node.type === "import_from_statement")
      for (const n of node.childrenForFieldName("name")) if (n.type === "dotted_name") names.add(n.text);
    if (PARAMETER_LISTS.includes(node.type))
      for (const n of namedChildrenOf(node)) if (n.type === "identifier") names.add(n.text);
    if (PARAMETERS.includes(node.type)) names.add(name?.text ?? "");
  }
  return names;
}
