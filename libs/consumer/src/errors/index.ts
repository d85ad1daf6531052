export * from './message-decode.error';
export * from './non-retryable.error';
export * from './process-timeout.error';
export * from './consumer-configuration.error';
export * from './drain-timeout.error';
