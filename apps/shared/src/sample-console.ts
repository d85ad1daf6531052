import type { INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { CourierConsoleModule } from '@courier-nest/console';
import { Logger } from 'nestjs-pino';
import type { SampleEnvironment } from './sample-environment';

type Config = ConfigService<SampleEnvironment, true>;

/** Where the console is mounted in the samples: the page at `/courier`, the API under `/courier/api`. */
export const SAMPLE_CONSOLE_PATH = 'courier';

/**
 * The operations console (docs/console.md) on the service's own HTTP port, behind the
 * bearer token COURIER_CONSOLE_TOKEN (a browser signs in with any user name and the token
 * as password). The console finds the outbox, the inbox and the consumer by itself.
 */
export function sampleConsoleModule() {
  return CourierConsoleModule.forRootAsync({
    path: SAMPLE_CONSOLE_PATH,
    inject: [ConfigService],
    useFactory: (config: Config) => ({
      auth: { token: config.get('COURIER_CONSOLE_TOKEN', { infer: true }) },
    }),
  });
}

/** One line at startup saying where the console is; never the token. */
export function logConsoleUrl(app: INestApplication, port: number): void {
  app
    .get(Logger)
    .log(
      `Operations console at http://localhost:${port}/${SAMPLE_CONSOLE_PATH} ` +
        '(any user name, COURIER_CONSOLE_TOKEN as password; or the courier-console command line)',
      'CourierConsole',
    );
}
