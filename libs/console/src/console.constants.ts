export const RESOLVED_CONSOLE_OPTIONS = Symbol.for('courier:console-resolved-options');
/** The consumer transport's queue admin (`@courier-nest/consumer`'s CONSUMER_QUEUE_ADMIN), looked up by its global symbol. */
export const CONSUMER_QUEUE_ADMIN_TOKEN = Symbol.for('courier:consumer-queue-admin');
/** Logger context of every console action. */
export const CONSOLE_LOG_CONTEXT = 'CourierConsole';
