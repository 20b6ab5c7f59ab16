/**
 * Security pattern rules. Each rule names the tree-sitter node types it inspects per dialect
 * and a predicate over one such node; {@link runRules} collects the nodes of all enabled
 * rules in one `descendantsOfType` pass. A cheap `hint` regex over the source skips rules
 * that cannot fire in a file.
 */
import type { Node } from "web-tree-sitter";
import type { LanguageFamily } from "./languages.ts";
import { calleeOf, jsStringShape, keywordArg, positionalArgs, pyLiteral, snakeName } from "./patterns.ts";
import { TaintTracker } from "./taint.ts";
import type { Taint } from "./taint.ts";
import type { RuleMatch, Severity } from "./types.ts";

/** What a rule says about one node: its severity (the rule's own when left out) and how the value got there. */
export interface RuleHit {
  severity?: Severity;
  /** `req.query.id reaches db.query()`, `only literals or cleaned values reach exec()`. */
  flow?: string;
}

/** A security pattern rule. */
export interface PatternRule {
  /** Stable id, e.g. `sql-injection`. */
  id: string;
  /** The worst a match can be (a sink rule reports less when the value is not traced to input). */
  severity: Severity;
  /** What is wrong and what to do instead. */
  message: string;
  /** Files whose source does not match this regex are skipped. */
  hint: RegExp;
  /** Node types inspected, per dialect; a dialect missing here is not checked. */
  nodeTypes: Partial<Record<LanguageFamily, readonly string[]>>;
  /** Whether the node (of one of {@link nodeTypes}) is an instance of the pattern, and how bad. */
  test(node: Node, family: LanguageFamily, taint: TaintTracker): RuleHit | boolean;
}

const SQL_KEYWORD = /\b(SELECT|INSERT|UPDATE|DELETE)\b/i;
const JS_SQL_CALL = /^\$?(query|execute|exec|raw|prepare|executeSql)(Raw)?(Unsafe)?$/;
const PY_SQL_CALL = new Set(["execute", "executemany", "executescript", "raw", "mogrify"]);
const SECRET_NAME = /(^|_)(password|passwd|pwd|secret|api_?key|token|access_key|secret_key|private_key|client_secret)$/;
const AWS_KEY = /AKIA[0-9A-Z]{16}/;

/**
 * A sink reached by a value: traced to request input → critical; of unknown origin (a
 * parameter, another call) → `unknownSeverity`; built from literals only → `constantSeverity`
 * (no finding when null; `info` for a fixed shell command, which then overrides an engine's
 * finding on that line).
 */
function sinkHit(
  taint: Taint,
  sink: string,
  unknownSeverity: Severity,
  constantSeverity: Severity | null = null,
): RuleHit | false {
  if (taint.level === 2) return { severity: "critical", flow: `${taint.origin ?? "request input"} reaches ${sink}` };
  if (taint.level === 1) return { severity: unknownSeverity, flow: `value of unknown origin reaches ${sink}` };
  return constantSeverity === null
    ? false
    : { severity: constantSeverity, flow: `only literals or cleaned values reach ${sink}` };
}

function sinkName(call: Node): string {
  const callee = calleeOf(call);
  return callee === null ? "call" : `${callee.object === null ? "" : `${callee.object}.`}${callee.name}()`;
}

function isSqlCall(call: Node, family: LanguageFamily, taint: TaintTracker): RuleHit | false {
  const callee = calleeOf(call);
  const arg = positionalArgs(call)[0];
  if (callee === null || arg === undefined) return false;
  const named =
    family === "js" ? JS_SQL_CALL.test(callee.name) : callee.object !== null && PY_SQL_CALL.has(callee.name);
  if (!named) return false;
  const value = taint.of(arg);
  // SQL built from any value that is not a literal is critical, as every reviewer treats it.
  return SQL_KEYWORD.test(value.literal) && sinkHit(value, sinkName(call), "critical");
}

const JS_EXEC = new Set(["exec", "execSync"]);
const JS_CHILD_PROCESS = /^(child_process|childProcess|cp|proc)$/;
const PY_SHELL_ALWAYS = new Set(["os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput"]);
const PY_SUBPROCESS = new Set(["run", "call", "Popen", "check_output", "check_call"]);

function isShellCall(call: Node, family: LanguageFamily, taint: TaintTracker): RuleHit | false {
  const callee = calleeOf(call);
  const arg = positionalArgs(call)[0];
  if (callee === null || arg === undefined) return false;
  if (family === "js") {
    const fromChildProcess = callee.object === null || JS_CHILD_PROCESS.test(callee.object);
    return JS_EXEC.has(callee.name) && fromChildProcess && sinkHit(taint.of(arg), sinkName(call), "high", "info");
  }
  const qualified = `${callee.object ?? "os"}.${callee.name}`;
  const viaShell =
    PY_SHELL_ALWAYS.has(qualified) ||
    (callee.object === "subprocess" && PY_SUBPROCESS.has(callee.name) && keywordArg(call, "shell")?.type === "true");
  return viaShell && sinkHit(taint.of(arg), sinkName(call), "high", "info");
}

function isEval(node: Node, family: LanguageFamily, taint: TaintTracker): RuleHit | false {
  const callee = calleeOf(node);
  if (callee === null || callee.object !== null) return false;
  const evaluates =
    family === "python"
      ? callee.name === "eval" || callee.name === "exec"
      : callee.name === "Function" || (node.type === "call_expression" && callee.name === "eval");
  if (!evaluates) return false;
  // new Function(a, b, body): every argument is code; eval/exec: the first.
  const args = positionalArgs(node);
  const code = family === "js" && callee.name === "Function" ? args : args.slice(0, 1);
  const value = code.map((arg) => taint.of(arg));
  const joined: Taint = value.reduce<Taint>((all, part) => (part.level > all.level ? part : all), {
    level: 0,
    literal: "",
  });
  return sinkHit(joined, `${callee.name}()`, "medium", "low");
}

/** Name and value of a JS binding (`const x = v`, `x = v`, `{x: v}`, class field `x = v`). */
function jsBinding(node: Node): [Node | null, Node | null] {
  switch (node.type) {
    case "variable_declarator":
      return [node.childForFieldName("name"), node.childForFieldName("value")];
    case "assignment_expression": {
      const left = node.childForFieldName("left");
      const target = left?.type === "member_expression" ? left.childForFieldName("property") : left;
      return [target ?? null, node.childForFieldName("right")];
    }
    case "pair":
      return [node.childForFieldName("key"), node.childForFieldName("value")];
    default:
      return [node.childForFieldName("name") ?? node.childForFieldName("property"), node.childForFieldName("value")];
  }
}

/** Name and value of a Python binding (`x = v`, `self.x = v`, `f(x=v)`, `{"x": v}`). */
function pyBinding(node: Node): [Node | null, Node | null] {
  if (node.type === "assignment") {
    const left = node.childForFieldName("left");
    return [left?.type === "attribute" ? left.childForFieldName("attribute") : left, node.childForFieldName("right")];
  }
  if (node.type === "keyword_argument") return [node.childForFieldName("name"), node.childForFieldName("value")];
  return [node.childForFieldName("key"), node.childForFieldName("value")];
}

function literalValue(node: Node, family: LanguageFamily): string | null {
  if (family === "python") return pyLiteral(node);
  if (node.type === "string") return node.text.slice(1, -1);
  const shape = node.type === "template_string" ? jsStringShape(node) : null;
  return shape !== null && !shape.dynamic ? node.text.slice(1, -1) : null;
}

function isHardcodedSecret(node: Node, family: LanguageFamily): boolean {
  const [name, value] = family === "js" ? jsBinding(node) : pyBinding(node);
  if (name === null || value === null) return false;
  const key = family === "python" && name.type === "string" ? pyLiteral(name) : name.text;
  if (key === null || !SECRET_NAME.test(snakeName(key))) return false;
  const secret = literalValue(value, family);
  return secret !== null && secret.length >= 4 && !/\s/.test(secret);
}

function isTlsDisabled(node: Node, family: LanguageFamily): boolean {
  if (family === "python") {
    if (node.type === "attribute") return node.childForFieldName("attribute")?.text === "_create_unverified_context";
    return node.childForFieldName("name")?.text === "verify" && node.childForFieldName("value")?.type === "false";
  }
  const [name, value] = jsBinding(node);
  if (name === null || value === null) return false;
  const key = name.text.replace(/^["'`]|["'`]$/g, "");
  if (node.type === "pair") return key === "rejectUnauthorized" && value.type === "false";
  const left = node.childForFieldName("left")?.text ?? "";
  return /NODE_TLS_REJECT_UNAUTHORIZED/.test(left) && /^["'`]?0["'`]?$/.test(value.text);
}

const JS_BINDINGS = [
  "variable_declarator",
  "assignment_expression",
  "pair",
  "public_field_definition",
  "field_definition",
];

/** Every rule, in report order. */
export const RULES: readonly PatternRule[] = [
  {
    id: "sql-injection",
    severity: "critical",
    message: "SQL built from strings at run time; use a parameterized query with placeholders.",
    hint: /select|insert|update|delete/i,
    nodeTypes: { js: ["call_expression"], python: ["call"] },
    test: isSqlCall,
  },
  {
    id: "command-injection",
    severity: "critical",
    message: "Shell command built at run time; pass an argument array (execFile/spawn, subprocess without shell=True).",
    hint: /exec|system|popen|subprocess/,
    nodeTypes: { js: ["call_expression"], python: ["call"] },
    test: isShellCall,
  },
  {
    id: "code-eval",
    severity: "critical",
    message: "Dynamic code evaluation (eval / new Function / exec); parse data instead of running it.",
    hint: /eval|Function|exec/,
    nodeTypes: { js: ["call_expression", "new_expression"], python: ["call"] },
    test: isEval,
  },
  {
    id: "hardcoded-secret",
    severity: "high",
    message: "String literal assigned to a secret-like name; load secrets from the environment or a vault.",
    hint: /pass|pwd|secret|key|token/i,
    nodeTypes: { js: JS_BINDINGS, python: ["assignment", "keyword_argument", "pair"] },
    test: isHardcodedSecret,
  },
  {
    id: "aws-access-key",
    severity: "critical",
    message: "AWS access key id in source; revoke it and load credentials from the environment.",
    hint: AWS_KEY,
    nodeTypes: { js: ["string", "template_string"], python: ["string"] },
    test: (node) => AWS_KEY.test(node.text),
  },
  {
    id: "tls-verification-disabled",
    severity: "high",
    message: "TLS certificate verification disabled; trust the right CA instead.",
    hint: /rejectUnauthorized|NODE_TLS_REJECT_UNAUTHORIZED|verify|_create_unverified_context/,
    nodeTypes: { js: ["pair", "assignment_expression"], python: ["keyword_argument", "attribute"] },
    test: isTlsDisabled,
  },
];

/** Ids of {@link RULES}. */
export const RULE_IDS: readonly string[] = RULES.map((rule) => rule.id);

/** Runs the enabled rules (all when `ruleIds` is null) over one parsed file. */
export function runRules(
  root: Node,
  source: string,
  family: LanguageFamily,
  file: string,
  ruleIds: readonly string[] | null,
): RuleMatch[] {
  const byType = new Map<string, PatternRule[]>();
  for (const rule of RULES) {
    const types = rule.nodeTypes[family];
    if (types === undefined || (ruleIds !== null && !ruleIds.includes(rule.id)) || !rule.hint.test(source)) continue;
    for (const type of types) byType.set(type, [...(byType.get(type) ?? []), rule]);
  }
  if (byType.size === 0) return [];
  const matches: RuleMatch[] = [];
  const seen = new Set<string>();
  const taint = new TaintTracker(family);
  for (const node of root.descendantsOfType([...byType.keys()])) {
    if (node === null || !node.isNamed) continue;
    for (const rule of byType.get(node.type) ?? []) {
      const line = node.startPosition.row + 1;
      const key = `${rule.id}:${line}`;
      if (seen.has(key)) continue;
      const hit = rule.test(node, family, taint);
      if (hit === false) continue;
      seen.add(key);
      const { severity = rule.severity, flow } = hit === true ? {} : hit;
      matches.push({ rule: rule.id, severity, message: rule.message, file, line, ...(flow ? { flow } : {}) });
    }
  }
  return matches.sort((a, b) => a.line - b.line);
}
