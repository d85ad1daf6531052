/** RabbitMQ's pseudo-queue for direct reply-to: no queue is declared for replies. */
export const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';

/** Present (value 1) on a reply that carries an error body `{ message, code?, status? }`. */
export const RPC_ERROR_HEADER = 'x-courier-rpc-error';
