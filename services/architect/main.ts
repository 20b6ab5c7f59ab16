/** The architect role: analyses a codebase for code-migration on the analysis pool, designs changes for plan-patch-pr. */
import { architectBindings } from "../../actors/architect/index.ts";
import { runActorMain } from "../service-main.ts";
import { architectPorts } from "../role-ports.ts";

await runActorMain("architect", async (cfg, nc) => architectBindings(await architectPorts(cfg, nc)));
