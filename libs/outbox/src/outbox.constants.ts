/** Provide the transport (an `OutboxPublisher`) under this token; `CourierRabbitMQModule` does. */
export const OUTBOX_PUBLISHER = Symbol.for('courier:outbox-publisher');
/** The validated options with defaults applied (`ResolvedOutboxOptions`). */
export const RESOLVED_OUTBOX_OPTIONS = Symbol.for('courier:outbox-resolved-options');
export const OUTBOX_DATA_SOURCE = Symbol.for('courier:outbox-data-source');
