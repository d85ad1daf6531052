export * from './amqp-exec.logger';
export * from './logging.constants';
export type { LogFields } from './log-record';
