export * from './rpc-connection-lost.error';
export * from './rpc-malformed-reply.error';
export * from './rpc-no-responder.error';
export * from './rpc-not-connected.error';
export * from './rpc-remote.error';
export * from './rpc-timeout.error';
export * from './rpc-serve.error';
