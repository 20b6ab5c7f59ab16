/**
 * Numeric settings read from configuration text, one per line: `key: 100` (YAML), `KEY=100`
 * (.env, .properties, .ini, TOML), `"key": 100,` (JSON). Only the last key of a path is kept.
 */
import type { Resource } from "./resources.ts";

/** One numeric setting of a file. */
export interface NumericSetting {
  key: string;
  value: number;
}

const SETTING = /^\s*["']?([A-Za-z_][\w.-]*)["']?\s*[:=]\s*["']?(-?\d+(?:\.\d+)?)["']?\s*,?\s*(?:#.*)?$/;
/** Keys that set a ceiling rather than a floor, a timeout or an idle time. */
const CEILING = /max|size|limit|capacity/i;
const NOT_CEILING = /min|timeout|idle|ttl/i;

/** The numeric setting of one line, if it holds one (comments after `#` allowed). */
export function settingOfLine(line: string): NumericSetting | undefined {
  const match = SETTING.exec(line);
  return match ? { key: match[1], value: Number(match[2]) } : undefined;
}

/** Every numeric setting of `text`. */
export function settingsOf(text: string): NumericSetting[] {
  return text.split("\n").flatMap((line) => settingOfLine(line) ?? []);
}

/** Whether `key` sets the ceiling of `resource` (e.g. `max_connections`, `DB_POOL_MAX` for the pool). */
export function isCeilingOf(resource: Resource, key: string): boolean {
  return resource.settingKeys.test(key) && CEILING.test(key) && !NOT_CEILING.test(key);
}

/** The ceilings of `resource` the configuration files set, as `file` and setting. */
export function configCeilings(
  configs: readonly { file: string; text: string }[],
  resource: Resource,
): (NumericSetting & { file: string })[] {
  return configs.flatMap(({ file, text }) =>
    settingsOf(text)
      .filter((s) => isCeilingOf(resource, s.key))
      .map((s) => ({ ...s, file })),
  );
}
