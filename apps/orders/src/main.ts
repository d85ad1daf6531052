import { ValidationPipe } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { logConsoleUrl } from '../../shared/src/sample-console';
import { registerSampleTracing, traceContextMiddleware } from '../../shared/src/sample-tracing';
import { validateOrdersEnvironment } from './orders.environment';

async function bootstrap(): Promise<void> {
  // Checked first, and the module required only then: @nestjs/config validates inside an
  // async forRoot, whose rejection would surface as an unhandled stack trace, not one line.
  validateOrdersEnvironment(process.env);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { OrdersAppModule } = require('./orders-app.module') as typeof import('./orders-app.module');
  registerSampleTracing();
  const app = await NestFactory.create(OrdersAppModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.use(traceContextMiddleware);
  // 400 with every field error; unknown fields refused rather than silently dropped.
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.enableShutdownHooks();
  const port = app.get(ConfigService).getOrThrow<number>('PORT');
  await app.listen(port);
  logConsoleUrl(app, port);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`orders: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
