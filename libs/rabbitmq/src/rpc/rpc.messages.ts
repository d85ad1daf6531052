/** Texts of RPC errors and logs: what was wrong, what to do. */
export const RpcMessages = {
  timeout: (queue: string, timeoutMs: number) =>
    `No reply from "${queue}" within ${timeoutMs} ms. The responder may be down, slow or overloaded; ` +
    'raise timeoutMs if the work takes longer. The request expired on the broker too, so it will not run later ' +
    'unless a responder had already taken it.',
  noResponder: (queue: string, reason: string) =>
    `No queue named "${queue}" to take the request (${reason}). Start the responder that serves "${queue}" ` +
    'first, or check the queue name.',
  notConnected: (queue: string) =>
    `Cannot send a request to "${queue}": RabbitMQ is not connected. Requests are not buffered; ` +
    'retry once the connection is back (see RabbitMQConnection.waitUntilConnected / the health check).',
  connectionLost: (queue: string, reason: string) =>
    `The request to "${queue}" lost its reply path (${reason}); it may or may not have been handled. ` +
    'Retry only if the operation is safe to repeat.',
  remote: (queue: string, message: string) =>
    `The responder on "${queue}" answered with an error: ${message}`,
  malformedReply: (queue: string, reason: string) =>
    `The reply from "${queue}" could not be read: ${reason}. The responder must answer with a JSON body.`,
  badTimeout: (value: unknown) =>
    `Option "timeoutMs" of a request must be an integer between 1 and 2147483647 (milliseconds); got ${String(value)}.`,
  badServeQueue: 'serve() needs the name of the queue to take requests from (a non-empty string).',
  badQueue: 'A request needs the name of the queue its responder serves (a non-empty string).',
  reservedHeader: (name: string) =>
    `Header "${name}" is reserved for Courier (names starting with "x-courier-"); give it another name.`,
  badCloseTimeout: (value: unknown) =>
    `Option "closeTimeoutMs" must be an integer >= 0 (milliseconds); got ${String(value)}.`,
  badPrefetch: (value: unknown) => `Option "prefetch" must be a positive integer; got ${String(value)}.`,
  alreadyServed: (queue: string) =>
    `Queue "${queue}" is already served by this responder; call serve() once per queue.`,
  responderClosed: 'the responder is closed; create a new RabbitMQRpcResponder to serve again',
  cannotServe: (queue: string, reason: string) =>
    `Cannot serve RPC queue "${queue}": ${reason}.` +
    (reason.includes('PRECONDITION')
      ? ' The queue exists with other arguments (durable, type, TTL…): pass the same durable option, or ' +
        'serve another queue name.'
      : ''),
  badHandler: (queue: string) => `serve("${queue}", handler) needs a function as handler.`,
  clientClosed: (queue: string) =>
    `Cannot send a request to "${queue}": this RabbitMQRpcClient is closed. Create a new one.`,
  malformedRequest: (reason: string) => `The request body could not be read: ${reason}`,
  notSerializableResult: (reason: string) => `The handler's result could not be sent as JSON: ${reason}`,
  noReplyTo: (queue: string, messageId: unknown) =>
    `A message on RPC queue "${queue}" has no replyTo (messageId ${String(messageId)}); ` +
    'it is not a request, so it was acknowledged and dropped.',
} as const;
