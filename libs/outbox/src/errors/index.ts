export * from './outbox-configuration.error';
export * from './outbox-transaction-required.error';
