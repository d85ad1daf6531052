/** The validated options with defaults applied (`ResolvedOutboxOptions`). */
export const RESOLVED_OUTBOX_OPTIONS = Symbol.for('courier:outbox-resolved-options');
export const OUTBOX_DATA_SOURCE = Symbol.for('courier:outbox-data-source');
