/** The coder role: for now the quality gate's auto-fix (the repository's own linter fix and its formatter). */
import { autofixBinding } from "../../actors/coder/index.ts";
import { runActorMain } from "../service-main.ts";
import { coderPorts } from "../role-ports.ts";

await runActorMain("coder", (cfg) => [autofixBinding(coderPorts(cfg))]);
