/** The diagnoser role: gathering an incident's context and diagnosing it (incident-swarm). */
import { diagnoserBindings } from "../../actors/diagnoser/index.ts";
import { runActorMain } from "../service-main.ts";
import { diagnoserPorts } from "../role-ports.ts";

await runActorMain("diagnoser", (cfg) => diagnoserBindings(diagnoserPorts(cfg)));
