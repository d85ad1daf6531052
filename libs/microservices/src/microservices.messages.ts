/** The text of the errors this package throws: what went wrong and what to do. */
export const MicroservicesMessages = {
  noRequestResponder: (patterns: string[]) =>
    `CourierServer: @MessagePattern handlers need a transport that serves requests ` +
    `(REQUEST_RESPONDER, which CourierRabbitMQModule provides); none is registered for: ${patterns.join(', ')}. ` +
    `Import CourierRabbitMQModule.forRoot(...), or use @EventPattern (one-way, through the inbox).`,
  noRequestClient: (pattern: string) =>
    `CourierClientProxy: send(${JSON.stringify(pattern)}) needs a transport that sends requests ` +
    `(REQUEST_CLIENT, which CourierRabbitMQModule provides). Import CourierRabbitMQModule.forRoot(...), ` +
    `or use emit() for one-way events.`,
  noInbox:
    'CourierServer needs the inbox: import InboxModule.forRoot(...) in the application (it is global), ' +
    'and a transport that feeds it (CourierRabbitMQModule.forRoot(...)).',
  noOutbox:
    'CourierClientProxy needs the outbox: import OutboxModule.forRoot(...) in the application (it is global).',
  notAnEventType: (pattern: string) =>
    `CourierServer: @EventPattern(${pattern}) must be a string pattern, the destination name ` +
    `(on RabbitMQ the exchange), e.g. @EventPattern('order_events').`,
  closed: 'CourierServer is closed: this handler run is given back to be retried.',
  interceptorMissing:
    'CourierServer: its error interceptor did not run around a handler, so a validation error or ' +
    'InboxNonRetryableError reaches it only as Nest\'s "Internal server error" and is retried. ' +
    'Connect it with app.connectMicroservice({ strategy: app.get(CourierServer) }, { inheritAppConfig: true }).',
} as const;
