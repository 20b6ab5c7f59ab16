/**
 * The gauges the gateway reads from JetStream at each scrape (docs/metrics.md): each role's
 * consumer (`actor-<role>` on TASKS: pending, ack pending, redelivered) and the DLQ's size. A
 * value that could not be read is left out of the scrape, never reported as zero, and counted
 * in `patchbay_scrape_errors_total{source}`; a role without a consumer is left out quietly.
 */
import type { ConsumerInfo, JetStreamManager } from "@nats-io/jetstream";
import { Counter, Gauge, Registry } from "prom-client";
import { BUILTIN_ROLES, type Role } from "../../protocol/roles.ts";
import { Consumer, Stream } from "../../protocol/subjects.ts";
import { isConsumerNotFound } from "../../infra/nats/js-errors.ts";

/** Where a read of NATS failed: the `source` label of `patchbay_scrape_errors_total`. */
export type ErrorSource = "consumer" | "dlq" | "record" | "reconcile" | "subscription";

/** Registers the counter of reads of NATS that failed. */
export function errorCounter(registry: Registry): Counter<"source"> {
  return new Counter({
    name: "patchbay_scrape_errors_total",
    help: "Reads of NATS the metrics could not make, by source (consumer, dlq, record, reconcile, subscription).",
    labelNames: ["source"],
    registers: [registry],
  });
}

/** Reads the scrape-time gauges into a registry of their own (what could not be read is left out). */
export async function scrapeGauges(jsm: JetStreamManager, errors: Counter<"source">): Promise<Registry> {
  const roles = BUILTIN_ROLES;
  const registry = new Registry();
  const fail = (source: ErrorSource) => () => {
    errors.inc({ source });
    return undefined;
  };
  const [infos, dlq] = await Promise.all([
    Promise.all(roles.map((role) => consumerOf(jsm, role).catch(fail("consumer")))),
    jsm.streams.info(Stream.Dlq).then((info) => info.state.messages, fail("dlq")),
  ]);
  consumerGauges(registry, roles, infos);
  if (dlq !== undefined) {
    const gauge = new Gauge({
      name: "patchbay_dlq_messages",
      help: "Messages in the DLQ stream.",
      registers: [registry],
    });
    gauge.set(dlq);
  }
  return registry;
}

/** The consumer of `role`, or null when it does not exist; throws when it could not be read. */
async function consumerOf(jsm: JetStreamManager, role: Role): Promise<ConsumerInfo | null> {
  try {
    return await jsm.consumers.info(Stream.Tasks, Consumer.actor(role));
  } catch (err) {
    if (isConsumerNotFound(err)) return null;
    throw err;
  }
}

function consumerGauges(
  registry: Registry,
  roles: readonly Role[],
  infos: ReadonlyArray<ConsumerInfo | null | undefined>,
): void {
  const gauge = (name: string, help: string) =>
    new Gauge({ name: `patchbay_consumer_${name}`, help, labelNames: ["role"], registers: [registry] });
  const pending = gauge("pending", "Tasks waiting in a role's queue (consumer actor-<role> on TASKS).");
  const ackPending = gauge("ack_pending", "Tasks a role's actors hold: delivered, not yet acknowledged.");
  const redelivered = gauge("redelivered", "Tasks of a role delivered more than once and not yet acknowledged.");
  roles.forEach((role, i) => {
    const info = infos[i];
    if (!info) return;
    pending.set({ role }, info.num_pending);
    ackPending.set({ role }, info.num_ack_pending);
    redelivered.set({ role }, info.num_redelivered);
  });
}
