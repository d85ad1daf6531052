export * from './outbox-configuration.error';
export * from './outbox-transaction-required.error';
export * from './outbox-not-initialized.error';
