/**
 * Settings in a repository's configuration files (JSON, YAML, `.env`): each scalar value with
 * its key path and the offsets of its text, so that a fix can replace exactly that text and
 * leave every other byte of the file (comments, indentation, key order, quoting) as it was.
 * JSON is read with the YAML parser (JSON is YAML 1.2), which gives every scalar's source range.
 */
import { isMap, isScalar, isSeq, parseAllDocuments, Scalar, type Node } from "yaml";

/** A scalar setting of a configuration file. */
export interface FoundSetting {
  file: string;
  /** The dotted key path (`database.pool.max_connections`), or the variable of a `.env` file. */
  path: string;
  /** The value's text, without its quotes. */
  value: string;
  /** Where `value` starts and ends in the file's text. */
  start: number;
  end: number;
}

const SKIPPED = /(^|\/)(node_modules|vendor|test|tests|__tests__|fixtures|\.github)\//;
const NOT_CONFIG = /(^|\/)(package(-lock)?\.json|tsconfig[^/]*\.json|composer\.lock|[^/]*\.lock)$/;

/** Whether a tracked file is a configuration file whose settings a fix may change. */
export function isConfigFile(file: string): boolean {
  if (SKIPPED.test(file) || NOT_CONFIG.test(file)) return false;
  return /\.(json|ya?ml)$/.test(file) || /(^|\/)\.env(\.[\w.-]+)?$/.test(file);
}

/** The settings of `text`, the content of `file`; a file that does not parse has none. */
export function settingsIn(file: string, text: string): FoundSetting[] {
  if (/(^|\/)\.env(\.[\w.-]+)?$/.test(file)) return envSettings(file, text);
  const docs = parseAllDocuments(text, { uniqueKeys: false });
  if (!Array.isArray(docs) || docs.some((doc) => doc.errors.length > 0)) return [];
  const found: FoundSetting[] = [];
  for (const doc of docs) collect(doc.contents, [], (path, scalar) => push(found, file, text, path, scalar));
  return found;
}

/** Whether `text` still parses as the configuration format of `file`. */
export function parsesAs(file: string, text: string): boolean {
  if (/(^|\/)\.env(\.[\w.-]+)?$/.test(file)) return true;
  const docs = parseAllDocuments(text, { uniqueKeys: false });
  return Array.isArray(docs) && docs.every((doc) => doc.errors.length === 0);
}

function collect(node: Node | null, path: string[], onScalar: (path: string[], scalar: Scalar) => void): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      collect(pair.value as Node | null, [...path, key], onScalar);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => collect(item as Node | null, [...path, String(index)], onScalar));
  } else if (isScalar(node)) {
    onScalar(path, node);
  }
}

function push(found: FoundSetting[], file: string, text: string, path: string[], scalar: Scalar): void {
  const range = scalar.range;
  const value = scalar.value;
  if (!range || path.length === 0 || (typeof value !== "number" && typeof value !== "string")) return;
  const quoted = scalar.type === Scalar.QUOTE_DOUBLE || scalar.type === Scalar.QUOTE_SINGLE;
  if (!quoted && scalar.type !== Scalar.PLAIN) return;
  const start = quoted ? range[0] + 1 : range[0];
  const end = quoted ? range[1] - 1 : range[1];
  const source = text.slice(start, end);
  // A value written with escapes or in another notation (0x10, 1e3) is not edited as text.
  if (source !== String(value)) return;
  found.push({ file, path: path.join("."), value: source, start, end });
}

const ENV_LINE = /^(\s*(?:export\s+)?)([A-Za-z_][\w.-]*)(\s*=\s*)(.*)$/;

/** `KEY=value` lines: the value's span excludes its quotes and an unquoted value's ` # comment`. */
function envSettings(file: string, text: string): FoundSetting[] {
  const found: FoundSetting[] = [];
  let offset = 0;
  for (const line of text.split("\n")) {
    const match = ENV_LINE.exec(line);
    if (match) {
      const [, lead, key, eq, rest] = match;
      const from = offset + lead.length + key.length + eq.length;
      const span = envValueSpan(rest);
      if (span)
        found.push({
          file,
          path: key,
          value: rest.slice(span[0], span[1]),
          start: from + span[0],
          end: from + span[1],
        });
    }
    offset += line.length + 1;
  }
  return found;
}

function envValueSpan(rest: string): [number, number] | undefined {
  const quote = rest[0];
  if (quote === '"' || quote === "'") {
    const close = rest.indexOf(quote, 1);
    return close < 0 ? undefined : [1, close];
  }
  const comment = /\s+#/.exec(rest);
  const value = (comment ? rest.slice(0, comment.index) : rest).replace(/\s+$/, "");
  return [0, value.length];
}
