/**
 * `incident.gather`: the context every diagnoser reads. The alert's own metrics and logs,
 * Prometheus series and Loki lines around the alert, log files, and the service repository's
 * recent changes and limit-setting configuration. Every source is reported (ok, unreachable
 * with its error, not_configured); only a repository that cannot be cloned fails the task.
 */
import type { GatherInput } from "../../protocol/incident-swarm.ts";
import type { ContextLog, IncidentContext } from "../../protocol/incident.ts";
import { readLogFile } from "./log-files.ts";
import { alertLogs } from "./log-lines.ts";
import { readLoki } from "./loki.ts";
import type { DiagnoserPorts } from "./ports.ts";
import { readPrometheus } from "./prometheus.ts";
import { limitConfigs, recentChanges } from "./repo-history.ts";
import { emptyRead, type SourceRead } from "./source-read.ts";
import { windowAround } from "./window.ts";

/** Most log lines the context keeps besides the alert's own (the latest). */
export const MAX_LOGS = 500;
/** The window log files are read in when neither Loki nor Prometheus names one. */
const DEFAULT_WINDOW_MINUTES = 30;

type RepoPart = Pick<IncidentContext, "changes" | "configs"> & { reads: SourceRead[] };

/** Prometheus and Loki, read at the same time; an unconfigured one is reported as such. */
function readRemote(ports: DiagnoserPorts, input: GatherInput, signal: AbortSignal): Promise<SourceRead[]> {
  const { prometheus, loki } = input.sources;
  const at = input.alert.timestamp;
  return Promise.all([
    prometheus ? readPrometheus(ports.fetch, prometheus, at, signal) : emptyRead("prometheus", "not_configured"),
    loki ? readLoki(ports.fetch, loki, at, signal) : emptyRead("loki", "not_configured"),
  ]);
}

/** The repository's changes, configs and log files, in a worktree at `base` (clone failures are thrown). */
async function readRepository(ports: DiagnoserPorts, input: GatherInput): Promise<RepoPart> {
  const { sources, alert } = input;
  const minutes = sources.loki?.window_minutes ?? sources.prometheus?.window_minutes ?? DEFAULT_WINDOW_MINUTES;
  const window = windowAround(alert.timestamp, minutes);
  const cached = await ports.workspaces.ensureClone(input.repo);
  return ports.workspaces.withWorktree(cached, { ref: input.base }, async (dir, git) => {
    const changes = sources.changes_days > 0 ? await recentChanges(git, alert.timestamp, sources.changes_days) : [];
    const configs = await limitConfigs(git, dir);
    const files = await Promise.all(sources.log_files.map((path) => readLogFile(dir, path, window)));
    const detail = `${changes.length} commits in ${sources.changes_days} days, ${configs.length} limit configs`;
    const repository = emptyRead("repository", "ok", detail);
    const noFiles = files.length === 0 ? [emptyRead("log_files", "not_configured")] : [];
    return { changes, configs, reads: [repository, ...files, ...noFiles] };
  });
}

/** Gathers the context of `input.alert`. */
export async function gatherContext(
  ports: DiagnoserPorts,
  input: GatherInput,
  signal: AbortSignal,
): Promise<IncidentContext> {
  const started = ports.now();
  const remote = readRemote(ports, input, signal);
  const repo = await readRepository(ports, input);
  const reads = [...(await remote), ...repo.reads];
  const logs: ContextLog[] = reads.flatMap((r) => r.logs);
  const context: IncidentContext = {
    alert: input.alert,
    // The alert's own figures win over a query of the same name: they are what it fired on.
    metrics: Object.assign({}, ...reads.map((r) => r.metrics), input.alert.metrics ?? {}) as Record<string, number>,
    series: reads.flatMap((r) => r.series),
    logs: [...alertLogs(input.alert.logs ?? []), ...logs.slice(-MAX_LOGS)],
    changes: repo.changes,
    configs: repo.configs,
    sources: reads.map((r) => r.report),
  };
  const unreachable = context.sources.filter((s) => s.status === "unreachable").map((s) => s.source);
  ports.log(
    `gathered ${input.alert.id} in ${ports.now() - started} ms` +
      (unreachable.length > 0 ? `; unreachable: ${unreachable.join(", ")}` : ""),
  );
  return context;
}
