// The public surface of @courier-nest/golevelup: what an application writes against.
export { CourierGolevelupModule } from './courier-golevelup.module';
export type { CourierGolevelupOptions } from './interfaces/golevelup-options.interface';
export { CourierInboxReceiver } from './inbox/courier-inbox.receiver';
export {
  courierInboxErrorHandler,
  createCourierInboxErrorHandler,
  type CourierInboxErrorHandler,
  type CourierInboxErrorHandlerOptions,
} from './inbox/courier-inbox.error-handler';
export { GolevelupOutboxPublisher } from './publisher/golevelup-outbox.publisher';
export { GolevelupConnection } from './connection/golevelup-connection';
export type {
  AmqpConfirmChannel,
  AmqpClientConnection,
  AmqpNackChannel,
  AmqpReturnedMessage,
  GolevelupAmqpConnection,
  ManagedAmqpConnection,
} from './connection/golevelup.types';
export * from './errors';
