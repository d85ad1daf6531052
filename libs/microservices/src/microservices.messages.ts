/** The text of the errors this package throws: what went wrong and what to do. */
export const MicroservicesMessages = {
  requestResponse: (patterns: string[]) =>
    `CourierServer: request/response needs a reply channel, which Courier's inbox does not give yet; ` +
    `these @MessagePattern handlers cannot be served: ${patterns.join(', ')}. ` +
    `Use @EventPattern (one-way, through the inbox), or serve them with another transport for now.`,
  clientSend: (pattern: string) =>
    `CourierClientProxy: request/response (send(${JSON.stringify(pattern)})) needs a reply channel, ` +
    `which Courier's outbox does not give yet. Use emit() for one-way events, or another client for requests.`,
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
