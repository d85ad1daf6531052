/** The resolved `CourierGolevelupOptions`. */
export const RESOLVED_GOLEVELUP_OPTIONS = Symbol.for('courier:golevelup-resolved-options');

/** The package the bridge works with; a required peer in practice (see package.json). */
export const GOLEVELUP_PACKAGE = '@golevelup/nestjs-rabbitmq';
