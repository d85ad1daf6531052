import { Outcome, type Message, type ProcessContext, type ProcessOutcome } from '@courier-nest/consumer';
import { CgiResponseParser } from './fastcgi/cgi-response.parser';
import { describeAddress, FastCgiClient } from './fastcgi/fastcgi.client';
import { FastCgiRequestError } from './fastcgi/errors/fastcgi-request.error';
import {
  resolveFastCgiWorkerOptions,
  type FastCgiWorkerOptions,
  type ResolvedFastCgiWorkerOptions,
} from './fastcgi-worker.options';
import { JobOutput } from './job-output.capture';
import { messageAttributesJson } from './message-attributes.util';
import type { Worker } from './worker.interface';

/**
 * Sends each message to a FastCGI responder (PHP-FPM) as a POST: the payload is the body,
 * byte for byte; the attributes are params (`AMQP_*`, and `AMQP_ATTRIBUTES` as JSON).
 * The response body is logged line by line at info, FCGI_STDERR at error.
 * 2xx → ack; a status in `retryStatuses` → requeue; any other → reject. A server that
 * cannot be reached, breaks the connection or does not answer in time → requeue:
 * a server being down or restarted is transient, and no message is to blame.
 */
export class FastCgiWorker implements Worker {
  private readonly options: ResolvedFastCgiWorkerOptions;
  private readonly client: FastCgiClient;

  constructor(options: FastCgiWorkerOptions) {
    this.options = resolveFastCgiWorkerOptions(options);
    this.client = new FastCgiClient(this.options.address);
  }

  async process(message: Message, context: ProcessContext): Promise<ProcessOutcome> {
    if (context.signal.aborted) return Outcome.requeue('aborted before the request was sent');
    const { logger, retryStatuses, retryDelayMs, timeoutMs } = this.options;
    const fields = { messageId: message.id, fastcgi: describeAddress(this.options.address) };
    const output = new JobOutput(logger, fields, this.options.maxOutputBytes);
    const [body, stderr] = [output.stream('stdout'), output.stream('stderr')];
    const response = new CgiResponseParser();
    try {
      // The application status is not used: PHP-FPM reports 0 even for a fatal error,
      // which it answers with status 500.
      await this.client.request({
        params: this.params(message),
        body: message.payload,
        timeoutMs,
        signal: context.signal,
        onStdout: (chunk) => {
          const bytes = response.push(chunk);
          if (bytes) body.write(bytes);
        },
        onStderr: (chunk) => stderr.write(chunk),
      });
    } catch (error) {
      if (!(error instanceof FastCgiRequestError)) throw error;
      // Stopped by shutdown: given back untouched, not an attempt.
      if (error.failure === 'aborted') return Outcome.release('aborted: the request was stopped', 0);
      logger.error(error.message, { ...fields, failure: error.failure });
      if (error.failure === 'too-large') return Outcome.reject(error.message);
      // A script that does not answer in time may be this message's fault: an attempt.
      if (error.failure === 'timeout')
        return Outcome.requeue(`timed out after ${timeoutMs} ms`, retryDelayMs);
      // Unreachable or full: not the message's fault, so not an attempt (a PHP-FPM restart
      // must not dead-letter the queue); held, then given back.
      if (error.failure === 'connect' || error.failure === 'overloaded')
        return Outcome.release(error.message, this.options.unavailableDelayMs);
      // Closed mid-request or garbled: the script may have died on this message, so it is
      // an attempt, and a message that kills PHP every time ends dead, not in a loop.
      return Outcome.requeue(error.message, retryDelayMs);
    } finally {
      body.end();
      stderr.end();
    }
    const status = response.status();
    const malformed = response.malformedReason();
    if (malformed) logger.error(`malformed FastCGI response: ${malformed}`, fields);
    if (status >= 200 && status <= 299) return Outcome.ack();
    if (retryStatuses.includes(status)) return Outcome.requeue(`FastCGI status ${status}`, retryDelayMs);
    return Outcome.reject(`FastCGI status ${status}`);
  }

  private params(message: Message): Record<string, string> {
    const { attributes } = message;
    return {
      ...this.options.params,
      GATEWAY_INTERFACE: 'CGI/1.1',
      SERVER_PROTOCOL: 'HTTP/1.1',
      REQUEST_METHOD: 'POST',
      SCRIPT_FILENAME: this.options.scriptFilename,
      CONTENT_LENGTH: String(message.payload.length),
      CONTENT_TYPE: attributes.contentType || 'application/octet-stream',
      AMQP_MESSAGE_ID: message.id,
      AMQP_ROUTING_KEY: attributes.routingKey,
      AMQP_EXCHANGE: attributes.exchange,
      AMQP_REDELIVERED: String(attributes.redelivered),
      AMQP_ATTEMPT: String(message.attempt),
      ...(attributes.correlationId !== undefined && { AMQP_CORRELATION_ID: attributes.correlationId }),
      AMQP_ATTRIBUTES: messageAttributesJson(message),
    };
  }
}
