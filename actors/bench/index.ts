/** The benchmark role: the no-op task bench-fanout fans out. What other modules may import. */
export { noopBinding } from "./handler.ts";
