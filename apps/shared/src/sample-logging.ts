import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ConfigService } from '@nestjs/config';
import { MessageLogContext } from '@courier-nest/core';
import { LoggerModule } from 'nestjs-pino';
import type { SampleEnvironment } from './sample-environment';

/**
 * nestjs-pino for a sample service: a request id on every line of a request (taken from
 * `x-request-id` or made up), the message id, event type and handler key on every line
 * about a message, credentials redacted, pretty in a terminal and JSON otherwise (or as
 * LOG_FORMAT says).
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
          // Every line written while a handler or processor runs names its message:
          // messageId, eventType and handlerKey (inbox) or queue (consumer).
          mixin: () => MessageLogContext.current() ?? {},
          redact: {
            paths: [
              'req.headers.authorization',
              'req.headers["x-courier-csrf"]',
              'req.headers.cookie',
              'req.headers["x-api-key"]',
              '*.password',
              '*.uri',
              '*.DATABASE_URL',
              '*.AMQP_URL',
              '*.BUS_DATABASE_URL',
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
