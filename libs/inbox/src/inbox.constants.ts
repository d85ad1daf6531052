export const RESOLVED_INBOX_OPTIONS = Symbol.for('courier:inbox-resolved-options');
export const INBOX_DATA_SOURCE = Symbol.for('courier:inbox-data-source');
