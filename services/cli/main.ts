/** The `patchbay` command line. */
import { Command } from "commander";
import { exitWithError } from "../../infra/process.ts";
import { registerWorkflowCommands } from "./commands.ts";
import { registerDlqCommands } from "./dlq.ts";
import { demo } from "./demo.ts";
import { finishParse, reportUsageErrors } from "./errors.ts";
import { registerModelServerCommand } from "./model-server.ts";
import { registerNatsConfigCommands } from "./nats-config.ts";
import { registerPrCommands } from "./pr.ts";
import { up } from "./up.ts";

const program = reportUsageErrors(
  new Command("patchbay").description("software-engineering workflows on NATS JetStream"),
).addHelpText(
  "after",
  "\nFailures exit 1 with one line `error: CODE message` on stderr; with --json, stdout is instead one\n" +
    'object {"error": {"code", "message"}} ({"id", "error"} for a workflow that failed or timed out).',
);

program
  .command("up")
  .description("run every Procfile process in one supervisor (own nats-server unless --nats/NATS_URL)")
  .option("--nats <url>", "use this NATS instead of starting one")
  .option("--scale <list>", "instances per process, e.g. checker=8,coordinator=2")
  .action((o: { nats?: string; scale?: string }) => up(o).catch(exitWithError));
program
  .command("demo")
  .description("run the embedded demo end to end, then stop everything")
  .action(() => demo().catch(exitWithError));
registerWorkflowCommands(program);
registerDlqCommands(program);
registerPrCommands(program);
registerNatsConfigCommands(program);
registerModelServerCommand(program);

await program.parseAsync(process.argv).catch(finishParse);
