/** The coder role: for now the quality gate's auto-fix (eslint --fix and the repo's formatter). */
import { autofixBinding } from "../../actors/coder/index.ts";
import { runActorMain } from "../service-main.ts";
import { coderPorts } from "../role-ports.ts";

await runActorMain("coder", (cfg) => [autofixBinding(coderPorts(cfg))]);
