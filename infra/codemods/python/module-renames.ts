/**
 * The Python 2 standard-library modules renamed or split in Python 3, as data for
 * `py-imports`: a renamed module maps to one new module (with the few members that were
 * renamed too); a split module maps each member to the module it moved to.
 */

/** A module renamed as a whole. */
export interface RenamedModule {
  kind: "renamed";
  /** The Python 3 module. */
  to: string;
  /** Members renamed on the way (old → new). */
  members?: Readonly<Record<string, string>>;
}

/** A module whose members moved to several modules. */
export interface SplitModule {
  kind: "split";
  /** Member → its Python 3 module. */
  members: Readonly<Record<string, string>>;
}

const REQUEST = "urllib.request";
const ERROR = "urllib.error";
const PARSE = "urllib.parse";

const URLLIB2_REQUEST = [
  "urlopen",
  "Request",
  "build_opener",
  "install_opener",
  "OpenerDirector",
  "BaseHandler",
  "HTTPHandler",
  "HTTPSHandler",
  "ProxyHandler",
  "HTTPBasicAuthHandler",
  "ProxyBasicAuthHandler",
  "HTTPDigestAuthHandler",
  "HTTPPasswordMgr",
  "HTTPPasswordMgrWithDefaultRealm",
  "HTTPCookieProcessor",
  "HTTPRedirectHandler",
  "HTTPDefaultErrorHandler",
  "HTTPErrorProcessor",
  "UnknownHandler",
  "FileHandler",
  "FTPHandler",
  "parse_http_list",
  "parse_keqv_list",
];
const URLLIB_REQUEST = [
  "urlopen",
  "urlretrieve",
  "urlcleanup",
  "pathname2url",
  "url2pathname",
  "getproxies",
  "URLopener",
  "FancyURLopener",
];
const URLLIB_PARSE = ["quote", "quote_plus", "unquote", "unquote_plus", "urlencode", "splittype", "splithost"];

function members(entries: ReadonlyArray<readonly [readonly string[], string]>): Record<string, string> {
  return Object.fromEntries(entries.flatMap(([names, to]) => names.map((n) => [n, to])));
}

/** Python 2 module name → what it became. */
export const MODULE_RENAMES: Readonly<Record<string, RenamedModule | SplitModule>> = {
  ConfigParser: { kind: "renamed", to: "configparser", members: { SafeConfigParser: "ConfigParser" } },
  Queue: { kind: "renamed", to: "queue" },
  cPickle: { kind: "renamed", to: "pickle" },
  HTMLParser: { kind: "renamed", to: "html.parser" },
  httplib: { kind: "renamed", to: "http.client" },
  __builtin__: { kind: "renamed", to: "builtins" },
  urlparse: { kind: "renamed", to: PARSE },
  StringIO: { kind: "renamed", to: "io" },
  cStringIO: { kind: "renamed", to: "io" },
  cookielib: { kind: "renamed", to: "http.cookiejar" },
  Cookie: { kind: "renamed", to: "http.cookies" },
  SocketServer: { kind: "renamed", to: "socketserver" },
  copy_reg: { kind: "renamed", to: "copyreg" },
  htmlentitydefs: { kind: "renamed", to: "html.entities" },
  xmlrpclib: { kind: "renamed", to: "xmlrpc.client" },
  Tkinter: { kind: "renamed", to: "tkinter" },
  thread: { kind: "renamed", to: "_thread" },
  urllib2: {
    kind: "split",
    members: members([
      [URLLIB2_REQUEST, REQUEST],
      [["HTTPError", "URLError"], ERROR],
      [["quote", "unquote", "urlparse"], PARSE],
    ]),
  },
  urllib: {
    kind: "split",
    members: members([
      [URLLIB_REQUEST, REQUEST],
      [URLLIB_PARSE, PARSE],
      [["ContentTooShortError"], ERROR],
    ]),
  },
};

/** Where `member` of Python 2 module `module` lives in Python 3: module and name, or undefined. */
export function movedMember(module: string, member: string): { module: string; name: string } | undefined {
  const entry = MODULE_RENAMES[module];
  if (entry === undefined) return;
  if (entry.kind === "renamed") return { module: entry.to, name: entry.members?.[member] ?? member };
  const to = entry.members[member];
  return to === undefined ? undefined : { module: to, name: member };
}
