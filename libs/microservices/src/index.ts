// The public surface of @courier-nest/microservices: what an application writes against.
export { CourierMicroservicesModule } from './courier-microservices.module';
export type { CourierMicroservicesExtras } from './courier-microservices.module-definition';
export type {
  CourierEventExtras,
  CourierMicroservicesOptions,
} from './interfaces/courier-microservices-options.interface';
export { CourierServer, COURIER_TRANSPORT } from './server/courier.server';
export { CourierContext } from './server/courier.context';
export { CourierErrorInterceptor } from './server/courier-error.interceptor';
export { CourierClientProxy } from './client/courier.client-proxy';
export { CourierRecord, type CourierRecordOptions } from './client/courier-record';
export * from './errors';
// What a handler throws to be dead at once, so that users of this package need no other import for it.
export { InboxNonRetryableError } from '@courier-nest/inbox';
