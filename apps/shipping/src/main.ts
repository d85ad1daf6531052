import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { logConsoleUrl } from '../../shared/src/sample-console';
import { registerSampleTracing, traceContextMiddleware } from '../../shared/src/sample-tracing';
import { validateShippingEnvironment } from './shipping.environment';

async function bootstrap(): Promise<void> {
  // Checked first, and the module required only then: @nestjs/config validates inside an
  // async forRoot, whose rejection would surface as an unhandled stack trace, not one line.
  validateShippingEnvironment(process.env);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ShippingAppModule } = require('./shipping-app.module') as typeof import('./shipping-app.module');
  registerSampleTracing();
  const app = await NestFactory.create(ShippingAppModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.use(traceContextMiddleware);
  app.enableShutdownHooks();
  const port = app.get(ConfigService).getOrThrow<number>('PORT');
  await app.listen(port);
  logConsoleUrl(app, port);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`shipping: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
