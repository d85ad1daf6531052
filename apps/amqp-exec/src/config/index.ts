export * from './amqp-exec-config.interface';
export * from './amqp-exec-config.loader';
export type { ConfigSource, ConfigLayer } from './config-source';
export * from './errors';
export * from './exit-on-config-error';
export { usage } from './config.usage';
export type { Environment } from './env.reader';
export type { ReadFile } from './config-file.reader';
