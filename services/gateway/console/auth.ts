/**
 * Who may act through the console: the holder of the gateway's token, sent as
 * `Authorization: Bearer <token>` or exchanged at `POST /login` for an HttpOnly, SameSite=Strict
 * session cookie. Cookie-borne actions also need the page's CSRF token and a same-origin
 * `Origin`. Sessions are stateless (an expiry and a nonce signed with the token), so every
 * gateway sharing the token accepts them and changing the token ends them. Without a token the
 * console is read-only.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** The session cookie's name. */
export const SESSION_COOKIE = "patchbay_session";
/** How long a login lasts. */
const SESSION_MS = 12 * 3_600_000;

/** What a request may do: act by bearer token, act by session (with its CSRF token), or only read. */
export type Access = { kind: "bearer" } | { kind: "session"; csrf: string } | { kind: "read-only" };

/** Why an action was refused: 401 without credentials, 403 with wrong ones. */
export interface Refusal {
  status: 401 | 403;
  code: string;
  message: string;
}

/** The console's access rules over one token (or none). */
export class ConsoleAuth {
  readonly #token: string | undefined;

  constructor(token: string | undefined) {
    this.#token = token;
  }

  /** Whether actions are possible at all. */
  get enabled(): boolean {
    return this.#token !== undefined;
  }

  /** What the request's credentials allow. */
  access(req: IncomingMessage): Access {
    if (!this.#token) return { kind: "read-only" };
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    if (bearer !== undefined && same(bearer.trim(), this.#token)) return { kind: "bearer" };
    const session = cookieOf(req, SESSION_COOKIE);
    if (session !== undefined && this.#validSession(session))
      return { kind: "session", csrf: this.#sign(`csrf:${session}`) };
    return { kind: "read-only" };
  }

  /** Refuses an action unless the request carries the token, or a session with its CSRF token from the same origin. */
  refusal(req: IncomingMessage, csrf: string | undefined): Refusal | undefined {
    if (!this.#token)
      return {
        status: 403,
        code: "READ_ONLY",
        message: "the gateway has no token (PATCHBAY_GATEWAY_TOKEN): the console is read-only",
      };
    const access = this.access(req);
    if (access.kind === "bearer") return undefined;
    if (access.kind === "read-only") {
      const presented = req.headers.authorization !== undefined || cookieOf(req, SESSION_COOKIE) !== undefined;
      return presented
        ? { status: 403, code: "FORBIDDEN", message: "the token or session is not valid" }
        : {
            status: 401,
            code: "UNAUTHORIZED",
            message: "log in with the gateway's token, or send it as a bearer token",
          };
    }
    if (!sameOrigin(req)) return { status: 403, code: "CSRF", message: "a cross-origin request may not act" };
    if (csrf === undefined || !same(csrf, access.csrf))
      return { status: 403, code: "CSRF", message: "missing or wrong CSRF token; reload the page" };
    return undefined;
  }

  /** A `Set-Cookie` value for a new session when `token` is the gateway's; undefined otherwise. */
  login(token: string): string | undefined {
    if (!this.#token || !same(token, this.#token)) return undefined;
    const body = `${Date.now() + SESSION_MS}.${randomBytes(16).toString("base64url")}`;
    const value = `${body}.${this.#sign(body)}`;
    return `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_MS / 1000}`;
  }

  #validSession(value: string): boolean {
    const cut = value.lastIndexOf(".");
    if (cut < 0) return false;
    const body = value.slice(0, cut);
    return same(value.slice(cut + 1), this.#sign(body)) && Number(body.split(".")[0]) > Date.now();
  }

  #sign(text: string): string {
    return createHmac("sha256", this.#token ?? "")
      .update(text)
      .digest("base64url");
  }
}

/** A `Set-Cookie` value that ends the session. */
export const LOGOUT_COOKIE = `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return undefined;
}

/** A browser's `Origin` (sent with every POST) must name this host; requests without one (curl) pass. */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
