/**
 * Migration probes: the deprecated API uses a migration must handle, found in the same parse
 * as the rest of a file's analysis (one `descendantsOfType` pass per file). `react` finds the
 * React 16 APIs React 18 deprecates or removes; `python2` finds Python 2 constructs. Each
 * probe names the node types it inspects and a predicate over one node.
 */
import type { Node } from "web-tree-sitter";
import type { LanguageFamily } from "./languages.ts";
import type { DeprecatedUse, ProbeSet } from "./types.ts";

/** Every probe set. */
export const PROBE_SETS: readonly ProbeSet[] = ["react", "python2"];

interface Probe {
  nodeTypes: readonly string[];
  /** The API the node uses, or null when it is not a use. */
  test(node: Node): { api: string; message: string } | null;
}

const LIFECYCLES = new Set(["componentWillMount", "componentWillReceiveProps", "componentWillUpdate"]);
const REACT_DOM_CALLS = new Set(["render", "hydrate", "unmountComponentAtNode", "findDOMNode"]);

const hit = (api: string, message: string) => ({ api, message });

const reactProbes: readonly Probe[] = [
  {
    nodeTypes: ["method_definition", "field_definition", "pair"],
    test(node) {
      const name = (
        node.childForFieldName("name") ??
        node.childForFieldName("key") ??
        node.childForFieldName("property")
      )?.text;
      return name && LIFECYCLES.has(name)
        ? hit(name, "renamed UNSAFE_ in React 16.9, unsafe in concurrent React 18")
        : null;
    },
  },
  {
    nodeTypes: ["member_expression"],
    test(node) {
      const object = node.childForFieldName("object")?.text;
      const property = node.childForFieldName("property")?.text ?? "";
      if (object === "ReactDOM" && REACT_DOM_CALLS.has(property))
        return hit(
          `ReactDOM.${property}`,
          property === "findDOMNode" ? "removed in React 19; use a ref" : "legacy root API; use react-dom/client",
        );
      if (object === "React" && (property === "PropTypes" || property === "createClass"))
        return hit(`React.${property}`, "removed from React; use the prop-types / create-react-class packages");
      if (object === "this" && property === "refs")
        return hit("string ref", "string refs are deprecated; use createRef");
      return null;
    },
  },
  {
    nodeTypes: ["import_specifier"],
    test(node) {
      const name = node.childForFieldName("name")?.text ?? "";
      const source = node.parent?.parent?.parent?.childForFieldName("source")?.text ?? "";
      return /^['"]react-dom['"]$/.test(source) && REACT_DOM_CALLS.has(name)
        ? hit(`ReactDOM.${name}`, "legacy react-dom API; use react-dom/client or refs")
        : null;
    },
  },
  {
    nodeTypes: ["string"],
    test: (node) =>
      /^['"]react-dom\/test-utils(\.js)?['"]$/.test(node.text)
        ? hit("react-dom/test-utils", "use act from react, or @testing-library/react")
        : null,
  },
  {
    nodeTypes: ["jsx_attribute", "pair"],
    test(node) {
      const first = node.namedChildren[0];
      const value = node.childForFieldName("value") ?? node.namedChildren[1];
      return first?.text === "ref" && value?.type === "string"
        ? hit("string ref", "string refs are deprecated; use createRef")
        : null;
    },
  },
];

const PY2_NAMES: Record<string, string> = {
  xrange: "range",
  unicode: "str",
  basestring: "str",
  long: "int",
  raw_input: "input",
  unichr: "chr",
  execfile: "exec(open(...).read())",
};
const PY2_METHODS = new Set(["iteritems", "itervalues", "iterkeys", "has_key"]);
const PY2_MODULES = new Set([
  "urllib2",
  "urlparse",
  "ConfigParser",
  "StringIO",
  "cStringIO",
  "Queue",
  "cPickle",
  "HTMLParser",
  "httplib",
  "__builtin__",
  "Tkinter",
  "SocketServer",
  "SimpleHTTPServer",
  "BaseHTTPServer",
  "cookielib",
  "Cookie",
  "xmlrpclib",
  "commands",
]);

function isReference(node: Node): boolean {
  const parent = node.parent;
  if (parent === null) return false;
  if (parent.type === "attribute" && parent.childForFieldName("attribute")?.id === node.id) return false;
  if (parent.type === "keyword_argument" && parent.childForFieldName("name")?.id === node.id) return false;
  return !["function_definition", "class_definition", "parameters", "dotted_name"].includes(parent.type);
}

const pythonProbes: readonly Probe[] = [
  { nodeTypes: ["print_statement"], test: () => hit("print statement", "print is a function in Python 3") },
  { nodeTypes: ["exec_statement"], test: () => hit("exec statement", "exec is a function in Python 3") },
  {
    nodeTypes: ["except_clause"],
    test: (node) => (/^except\s+[^:()]+,\s*\w+\s*:/.test(node.text) ? hit("except E, e", "use except E as e") : null),
  },
  {
    nodeTypes: ["raise_statement"],
    test: (node) => (/^raise\s+[\w.]+\s*,/.test(node.text) ? hit("raise E, msg", "use raise E(msg)") : null),
  },
  {
    nodeTypes: ["attribute"],
    test(node) {
      const name = node.childForFieldName("attribute")?.text ?? "";
      return PY2_METHODS.has(name) ? hit(`dict.${name}()`, "removed from dict in Python 3") : null;
    },
  },
  {
    nodeTypes: ["identifier"],
    test(node) {
      const replacement = PY2_NAMES[node.text];
      return replacement && isReference(node) ? hit(node.text, `removed in Python 3; use ${replacement}`) : null;
    },
  },
  {
    nodeTypes: ["dotted_name"],
    test(node) {
      const parent = node.parent;
      const isModule =
        parent?.type === "import_statement" ||
        parent?.type === "aliased_import" ||
        (parent?.type === "import_from_statement" && parent.childForFieldName("module_name")?.id === node.id);
      const top = node.text.split(".")[0];
      return isModule && PY2_MODULES.has(top) ? hit(`import ${top}`, "module renamed in Python 3") : null;
    },
  },
  {
    nodeTypes: ["comparison_operator"],
    test: (node) => (node.children.some((c) => c.type === "<>") ? hit("<>", "use !=") : null),
  },
  {
    nodeTypes: ["integer"],
    test: (node) =>
      /^0\d+$|[lL]$/.test(node.text) ? hit(`literal ${node.text}`, "Python 2 octal or long literal") : null,
  },
  {
    nodeTypes: ["string"],
    test: (node) => (node.text.startsWith("`") ? hit("backticks", "use repr()") : null),
  },
  {
    nodeTypes: ["binary_operator"],
    test: (node) =>
      node.childForFieldName("operator")?.type === "/"
        ? hit("/", "true division in Python 3: check whether integer division was relied on")
        : null,
  },
];

const PROBES: Record<ProbeSet, { family: LanguageFamily; probes: readonly Probe[] }> = {
  react: { family: "js", probes: reactProbes },
  python2: { family: "python", probes: pythonProbes },
};

/** The uses of deprecated APIs in one parsed file, in source order (none for another dialect). */
export function runProbes(root: Node, family: LanguageFamily, file: string, set: ProbeSet): DeprecatedUse[] {
  const { family: wanted, probes } = PROBES[set];
  if (family !== wanted) return [];
  const types = [...new Set(probes.flatMap((p) => p.nodeTypes))];
  const uses: DeprecatedUse[] = [];
  for (const node of root.descendantsOfType(types)) {
    if (node === null) continue;
    for (const probe of probes) {
      if (!probe.nodeTypes.includes(node.type)) continue;
      const found = probe.test(node);
      if (found) uses.push({ file, line: node.startPosition.row + 1, ...found });
    }
  }
  return uses.sort((a, b) => a.line - b.line);
}
