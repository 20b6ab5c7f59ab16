/** The time window around an alert that context is gathered in. */

/** How far past the alert context is read. */
export const MINUTES_AFTER_ALERT = 5;

/** A span of time in milliseconds since the epoch, both ends included. */
export interface TimeWindow {
  start: number;
  end: number;
}

/** From `minutesBefore` before the alert to {@link MINUTES_AFTER_ALERT} after it. */
export function windowAround(alertTime: string, minutesBefore: number): TimeWindow {
  const at = Date.parse(alertTime);
  return { start: at - minutesBefore * 60_000, end: at + MINUTES_AFTER_ALERT * 60_000 };
}

/** Whether an ISO 8601 instant lies in `window`; a line without a timestamp is kept. */
export function inWindow(window: TimeWindow, timestamp: string | undefined): boolean {
  if (timestamp === undefined) return true;
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) || (ms >= window.start && ms <= window.end);
}
