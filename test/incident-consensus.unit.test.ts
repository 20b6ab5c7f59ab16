// incident-swarm's consensus (pure): the seed's two examples (0.85 and 0.90 agree against
// 0.70 → 0.88; 0.60, 0.55 and 0.65 all differ → 0.60 with the 0.65 cause), a majority, no
// majority, ties broken the same way whatever the input order, a single agent, failed agents
// counting for nothing, and no answer at all.
import test from "ava";
import type { Diagnosis } from "../protocol/incident.ts";
import { consensusOf, normalisedCause } from "../services/coordinator/internal.ts";

const d = (agent: string, root_cause: string, category: Diagnosis["category"], confidence: number): Diagnosis => ({
  agent,
  method: "saturation",
  root_cause,
  category,
  confidence,
  evidence: [],
});
const POOL = "Connection pool too small for traffic";

test("seed example 1: two of three agree on the pool, 0.85 and 0.90 give 0.88, in the most confident one's words", (t) => {
  const c = consensusOf([
    d("agent-1", "connection pool too small for traffic.", "connection-pool", 0.85),
    d("agent-2", POOL, "connection-pool", 0.9),
    d("agent-3", "Database connection leak in service", "connection-pool", 0.7),
  ]);
  t.like(c, { root_cause: POOL, category: "connection-pool", confidence: 0.88, rule: "majority" });
  t.deepEqual(c.supporting_diagnoses, ["agent-1", "agent-2"]);
  t.deepEqual(c.conflicting_diagnoses, ["agent-3"]);
  t.true(c.confidence >= 0.7);
});

test("seed example 2: three different causes give the mean 0.60 with the most confident one's cause", (t) => {
  const c = consensusOf([
    d("agent-1", "Database query slow", "dependency", 0.6),
    d("agent-2", "ML model performance", "capacity", 0.55),
    d("agent-3", "Cache invalidation issue", "bad-change", 0.65),
  ]);
  t.like(c, { root_cause: "Cache invalidation issue", confidence: 0.6, rule: "highest" });
  t.deepEqual(c.supporting_diagnoses, ["agent-3"]);
  t.deepEqual(c.conflicting_diagnoses, ["agent-1", "agent-2"]);
});

test("the same cause in another category is another group", (t) => {
  const c = consensusOf([d("a", "slow", "timeout", 0.8), d("b", "slow", "dependency", 0.7)]);
  t.is(c.rule, "highest");
  t.is(c.category, "timeout");
  t.is(c.confidence, 0.75);
});

test("ties: equal groups go to the higher confidence, then the agent name, whatever the order given", (t) => {
  const diagnoses = [
    d("b", "pool", "connection-pool", 0.7),
    d("a", "memory", "memory-limit", 0.7),
    d("d", "pool", "connection-pool", 0.6),
    d("c", "memory", "memory-limit", 0.6),
  ];
  const forward = consensusOf(diagnoses);
  const backward = consensusOf([...diagnoses].reverse());
  t.deepEqual(forward, backward);
  t.is(forward.rule, "highest", "two of four is not a majority");
  t.is(forward.root_cause, "memory", "0.7 against 0.7: agent a sorts first");
  t.is(forward.confidence, 0.65);
});

test("a single agent is its own majority; failed agents count for nothing and are listed", (t) => {
  t.like(consensusOf([d("only", POOL, "connection-pool", 0.83)]), { confidence: 0.83, rule: "majority" });
  const c = consensusOf(
    [d("agent-1", POOL, "connection-pool", 0.8), d("agent-3", "leak", "connection-pool", 0.9)],
    ["agent-2"],
  );
  t.is(c.rule, "highest", "one of the two that answered is not more than half");
  t.is(c.root_cause, "leak");
  t.is(c.confidence, 0.85);
  t.deepEqual(c.missing, ["agent-2"]);
});

test("no answer at all is confidence 0 with every agent missing", (t) => {
  t.like(consensusOf([], ["agent-2", "agent-1"]), { confidence: 0, rule: "none", missing: ["agent-1", "agent-2"] });
});

test("causes are compared in lower case, words only", (t) => {
  t.is(normalisedCause("  Connection-pool  TOO small!! "), "connection pool too small");
});

test("groups the model judged: two causes the rule keeps apart make a majority with their mean confidence", (t) => {
  const diagnoses = [
    d("agent-1", POOL, "connection-pool", 0.95),
    d("agent-2", "no log-clustering evidence", "unknown", 0),
    d("agent-3", "The database refuses new connections", "dependency", 0.65),
  ];
  t.like(consensusOf(diagnoses), { rule: "highest", confidence: 0.53, category: "connection-pool" });
  const c = consensusOf(diagnoses, [], [["agent-3", "agent-1"], ["agent-2"]]);
  t.like(c, { root_cause: POOL, category: "connection-pool", confidence: 0.8, rule: "majority" });
  t.deepEqual(c.supporting_diagnoses, ["agent-1", "agent-3"]);
  t.deepEqual(c.conflicting_diagnoses, ["agent-2"]);
});

test("groups that leave out, repeat or invent an agent are not used: the rule groups", (t) => {
  const diagnoses = [d("a", "slow", "timeout", 0.8), d("b", "down", "dependency", 0.7)];
  for (const groups of [[["a"]], [["a", "b"], ["b"]], [["a", "b", "c"]], [["a"], ["a"]]])
    t.like(consensusOf(diagnoses, [], groups), { rule: "highest", category: "timeout", confidence: 0.75 });
  t.like(consensusOf(diagnoses, [], [["a", "b"]]), { rule: "majority", confidence: 0.75 });
});
