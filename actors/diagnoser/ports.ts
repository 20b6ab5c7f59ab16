/** What the diagnoser role is given (docs/architecture.md, "Actors": only mains read the configuration). */
import type { Workspaces } from "../../infra/git/index.ts";
import type { ModelClient } from "../../infra/llm/client.ts";

/** Ports of the diagnoser: git for the service repository, HTTP for Prometheus and Loki, a model, a clock, a log. */
export interface DiagnoserPorts {
  workspaces: Workspaces;
  /** The diagnoser's model; undefined when none is configured (the `model` method fails MODEL_NOT_CONFIGURED). */
  model?: ModelClient;
  /** The HTTP client Prometheus and Loki are read with. */
  fetch: typeof fetch;
  /** Milliseconds since the epoch; times each source for its report. */
  now: () => number;
  log: (line: string) => void;
}
