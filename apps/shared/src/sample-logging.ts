import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ConfigService } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import type { SampleEnvironment } from './sample-environment';

/**
 * nestjs-pino for a sample service: a request id on every line of a request (taken from
 * `x-request-id` or made up), credentials redacted, pretty in a terminal and JSON
 * otherwise (or as LOG_FORMAT says).
 */
export function sampleLoggerModule() {
  return LoggerModule.forRootAsync({
    inject: [ConfigService],
    useFactory: (config: ConfigService<SampleEnvironment, true>) => {
      const format = config.get('LOG_FORMAT', { infer: true }) ?? (process.stdout.isTTY ? 'pretty' : 'json');
      return {
        pinoHttp: {
          level: config.get('LOG_LEVEL', { infer: true }),
          name: config.get('SERVICE_NAME', { infer: true }),
          genReqId: (request: IncomingMessage) => {
            const given = request.headers['x-request-id'];
            return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
          },
          redact: {
            paths: [
              'req.headers.authorization',
              'req.headers.cookie',
              'req.headers["x-api-key"]',
              '*.password',
              '*.uri',
              '*.DATABASE_URL',
              '*.AMQP_URL',
            ],
            censor: '[redacted]',
          },
          transport:
            format === 'pretty' ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
        },
      };
    },
  });
}
