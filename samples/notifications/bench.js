// Benchmark: format a fixed batch of messages; prints one JSON object on stdout.
import { stdout } from "node:process";
import { formatMessage, placeholders } from "./src/format.js";

const TEMPLATE = "Hi {name}, you have {count} new {kind} from {sender} ({when}).";
const KINDS = ["messages", "mentions", "invites"];

let substitutions = 0;
for (let i = 0; i < 1000; i += 1) {
  const vars = { name: "user" + i, count: i % 7, kind: KINDS[i % 3], sender: "team" + (i % 5), when: "today" };
  formatMessage(TEMPLATE, vars);
  substitutions += placeholders(TEMPLATE).length;
}

stdout.write(JSON.stringify({ name: "format_messages", value: substitutions, unit: "substitutions" }) + "\n");
