import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';

async function bootstrap(): Promise<void> {
  // Loaded here, not imported above: a configuration error surfaces below as one line.
  const { ShippingAppModule } = await import('./shipping-app.module');
  const app = await NestFactory.create(ShippingAppModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.listen(app.get(ConfigService).getOrThrow<number>('PORT'));
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`shipping: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
