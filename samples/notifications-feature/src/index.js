export { formatDate, formatMessage, formatRelative, missingVars, placeholders, pluralize, truncate } from "./format.js";
export { CHANNELS, PRIORITIES, ValidationError, assertValid, isEmail, isPhone, normalizeRecipient, validateNotification } from "./validate.js";
export { NotificationStore } from "./store.js";
export { RateLimiter } from "./rate-limit.js";
export { BODY_LIMITS, Notifier, memoryChannel } from "./notifier.js";
