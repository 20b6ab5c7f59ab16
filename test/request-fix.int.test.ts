// Proves the nats-core request workaround (infra/nats/request-fix.ts) against a real
// nats-server: successful requests and JetStream publishes no longer build a throw-away
// RequestError, while timeouts, missing responders and JetStream errors still reject.
import test from "ava";
import { createRequire } from "node:module";
import { jetstream } from "@nats-io/jetstream";
import { startTestNats } from "./helpers/nats.ts";

const require = createRequire(import.meta.url);
const errorsPath = require.resolve("@nats-io/nats-core").replace(/mod\.js$/, "errors.js");
const errorsModule = require(errorsPath) as { RequestError: new (...args: unknown[]) => Error };

test("settled requests build no RequestError; failure paths still reject", async (t) => {
  const { nc } = await startTestNats(t);
  const Original = errorsModule.RequestError;
  let built = 0;
  errorsModule.RequestError = class extends Original {
    constructor(...args: unknown[]) {
      super(...args);
      built += 1;
    }
  };
  t.teardown(() => {
    errorsModule.RequestError = Original;
  });
  nc.subscribe("echo", {
    callback: (_e, m) => {
      m.respond(m.data);
    },
  });
  for (let i = 0; i < 20; i++)
    t.is(new TextDecoder().decode((await nc.request("echo", `ping ${i}`)).data), `ping ${i}`);
  const js = jetstream(nc);
  for (let i = 0; i < 20; i++) await js.publish("workflow.log.probe", "x");
  t.is(built, 0, "no RequestError for settled requests");
  await t.throwsAsync(nc.request("nobody.listens", "x", { timeout: 500 }), { message: /no responders|503/i });
  nc.subscribe("silent", { callback: () => undefined });
  await t.throwsAsync(nc.request("silent", "x", { timeout: 200 }), { message: /timeout/i });
  await t.throwsAsync(js.publish("workflow.log.probe", "x", { expect: { lastSequence: 1 } }), {
    message: /wrong last sequence/i,
  });
});
