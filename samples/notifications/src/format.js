// Message formatting: {placeholders}, truncation, plural words and UTC dates.

const PLACEHOLDER = /\{(\w+)\}/g;

export function formatMessage(template, vars) {
  return template.replace(PLACEHOLDER, (match, name) => {
    if (!Object.hasOwn(vars, name)) return match;
    return String(vars[name]);
  });
}

export function placeholders(template) {
  const names = [];
  for (const found of template.matchAll(PLACEHOLDER)) {
    if (!names.includes(found[1])) names.push(found[1]);
  }
  return names;
}

export function missingVars(template, vars) {
  return placeholders(template).filter((name) => !Object.hasOwn(vars, name));
}

export function truncate(text, max) {
  if (!Number.isInteger(max) || max < 1) throw new RangeError("max must be a positive integer");
  if (text.length <= max) return text;
  return text.slice(0, max - 1) + "\u2026";
}

export function pluralize(count, singular, plural) {
  const word = count === 1 ? singular : (plural ?? singular + "s");
  return count + " " + word;
}

function pad(n) {
  return String(n).padStart(2, "0");
}

export function formatDate(ms) {
  const d = new Date(ms);
  const day = d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate());
  return day + " " + pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + " UTC";
}

export function formatRelative(ms, now) {
  const minutes = Math.floor((now - ms) / 60000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return pluralize(minutes, "minute") + " ago";
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return pluralize(hours, "hour") + " ago";
  return formatDate(ms);
}
