// What the rest of amqp-exec uses; the runner, the FastCGI records and the parsers stay internal.
export * from './worker.interface';
export * from './exec.worker';
export * from './exec-worker.options';
export * from './fastcgi.worker';
export * from './fastcgi-worker.options';
export { describeAddress, type FastCgiAddress } from './fastcgi/fastcgi.client';
export * from './fastcgi/errors/fastcgi-request.error';
export { messageAttributesJson } from './message-attributes.util';
export { killAllCommands } from './command.runner';
