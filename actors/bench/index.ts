export { noopHandler } from "./handler.ts";
