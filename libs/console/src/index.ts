// The public surface of @courier-nest/console: what an application writes against.
export { CourierConsoleModule } from './console.module';
export type {
  ConsoleAuthDisabled,
  ConsoleAuthOptions,
  ConsoleBasicAuth,
  ConsoleGuardAuth,
  ConsoleTokenAuth,
  CourierConsoleExtras,
  CourierConsoleOptions,
} from './interfaces/console-options.interface';
export type { JourneyStep, MessageJourney } from './journey/message-journey';
export type { PublishOutcome } from './journey/publish-outcomes';
export * from './errors';
