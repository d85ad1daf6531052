export * from './amqp-exec.logger';
export * from './credential.scrubber';
export * from './logging.constants';
export type { LogFields } from './log-record';
