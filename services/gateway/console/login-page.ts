/** The login form: the gateway's token, exchanged for a session cookie (auth.ts). */
import { escapeHtml } from "./layout.ts";

/** The body of the login page; `problem` says why the last attempt failed. */
export function loginPage(next: string, problem?: string): string {
  return (
    `<h1>Log in to act</h1>` +
    `<p>Actions (approve, reject, cancel, reset, DLQ replay and discard) need the gateway's token ` +
    `(<code>PATCHBAY_GATEWAY_TOKEN</code>; <code>patchbay up</code> writes it to <code>.patchbay/gateway.token</code>). ` +
    `Reading needs nothing.</p>` +
    (problem ? `<p class="err" role="alert">${escapeHtml(problem)}</p>` : "") +
    `<form method="post" action="/login"><input type="hidden" name="next" value="${escapeHtml(next)}">` +
    `<label for="token">Token</label> <input id="token" name="token" type="password" autocomplete="current-password" required> ` +
    `<button>Log in</button></form>`
  );
}
