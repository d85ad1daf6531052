/** The options after defaults. */
export const RESOLVED_MICROSERVICES_OPTIONS = Symbol.for('courier:microservices-options');
