export * from './handler-timeout.error';
export * from './inbox-configuration.error';
export * from './inbox-non-retryable.error';
