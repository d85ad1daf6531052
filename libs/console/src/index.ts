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
export * from './errors';
