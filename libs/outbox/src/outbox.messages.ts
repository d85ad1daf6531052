/** Texts of outbox errors and logs: what was wrong, what to do. */
export const OutboxMessages = {
  transactionRequired:
    'OutboxService.publish(manager, …) was given an EntityManager with no active transaction, so the message ' +
    'would commit on its own. Call it inside dataSource.transaction(async (manager) => …), or set ' +
    'OutboxModule option requireTransaction: false to allow it.',
  noAmbientTransaction:
    'OutboxService.publish(message) without a manager needs an ambient transaction: decorate the handler with ' +
    '@Transactional() (or use OutboxTransactions.run(fn)), or pass the EntityManager of your transaction.',
  notInitialized: (method: string) =>
    `@Transactional() on ${method} found no initialised OutboxModule, so it did not run the method. ` +
    'Import OutboxModule.forRoot(…) (or forRootAsync) in the application, and call the method after the ' +
    'application has initialised (NestFactory.create / app.init()) and before app.close().',
  transactionalNotAMethod: (member: string) =>
    `@Transactional() is on ${member}, which is not a method (an accessor?). Put it on a method or on the class.`,
  publisherMissing:
    'The outbox relay has no transport. Import CourierRabbitMQModule.forRoot({ uri }) (or provide an ' +
    'OutboxPublisher under the OUTBOX_PUBLISHER token), or set OutboxModule option relay.enabled: false ' +
    'in processes that only write.',
  notPostgres: (type: string) =>
    `The outbox needs a PostgreSQL DataSource (type "postgres"); the configured one is "${type}".`,
  emptyPublish: 'OutboxService.publish was called without any message.',
  notAMessage: (index: number) => `Argument ${index} of OutboxService.publish is not a message object.`,
  /** Names the messages (up to 10), so a log search by message id finds the line. */
  deadMessages: (ids: readonly string[], maxAttempts: number) => {
    const named = ids.slice(0, 10).join(', ') + (ids.length > 10 ? ` and ${ids.length - 10} more` : '');
    return `${ids.length} outbox message(s) are dead after ${maxAttempts} attempts: ${named}`;
  },
} as const;
