/**
 * The npm scripts one script runs: `test` → `npm run tests-only` → `nyc tape …`, or `lint` →
 * `npm run lint:js && npm run lint:ts`. `npm`, `pnpm` and `yarn` calls are followed (`npm t`
 * is `test`), breadth first, each script once, ten at most.
 */

const RUN_SCRIPT = /\b(?:npm|pnpm|yarn)\s+(?:run(?:-script)?\s+|)([\w:.-]+)/g;

/** A script and the scripts it runs (breadth first, each once); empty when `start` is not a script. */
export function scriptChain(scripts: Record<string, string>, start: string): string[] {
  const seen: string[] = [];
  const queue = [start];
  while (queue.length > 0 && seen.length < 10) {
    const name = queue.shift() ?? "";
    const text = scripts[name];
    if (text === undefined || seen.includes(name)) continue;
    seen.push(name);
    for (const match of text.matchAll(RUN_SCRIPT)) queue.push(match[1] === "t" ? "test" : match[1]);
  }
  return seen;
}
