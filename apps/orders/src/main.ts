import { ValidationPipe } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';

async function bootstrap(): Promise<void> {
  // Loaded here, not imported above: a configuration error surfaces below as one line.
  const { OrdersAppModule } = await import('./orders-app.module');
  const app = await NestFactory.create(OrdersAppModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // 400 with every field error; unknown fields refused rather than silently dropped.
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.enableShutdownHooks();
  await app.listen(app.get(ConfigService).getOrThrow<number>('PORT'));
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`orders: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
