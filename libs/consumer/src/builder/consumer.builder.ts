import type { BackoffOptions } from '@courier-nest/core';
import type { LoggerService } from '@nestjs/common';
import { ConsumerConfigurationError } from '../errors/consumer-configuration.error';
import type { ConsumerFactory } from '../interfaces/consumer.interface';
import type { ConsumerObserver } from '../interfaces/consumer-observer.interface';
import type { ConsumerRunnerOptions, FailureStrategy } from '../interfaces/consumer-runner-options.interface';
import type { Processor } from '../interfaces/processor.interface';
import { ConsumerRunner } from '../runner/consumer.runner';

/**
 * Builds a runner without Nest (patron's style), for scripts and command-line tools.
 * Every option is validated by `build()`.
 *
 * @example
 * const runner = new ConsumerBuilder(factory)
 *   .withProcessor(async (message) => render(message.decode()))
 *   .withConcurrency(4)
 *   .withFailureStrategy('dead-letter')
 *   .build();
 * runner.start();
 */
export class ConsumerBuilder {
  private processor?: Processor;
  private readonly options: ConsumerRunnerOptions = {};

  constructor(private readonly factory: ConsumerFactory) {}

  withProcessor(processor: Processor): this {
    this.processor = processor;
    return this;
  }

  withConcurrency(concurrency: number, prefetch?: number): this {
    Object.assign(this.options, { concurrency, prefetch });
    return this;
  }

  withFailureStrategy(strategy: FailureStrategy): this {
    this.options.failureStrategy = strategy;
    return this;
  }

  withRetries(maxAttempts: number, backoff?: BackoffOptions): this {
    Object.assign(this.options, { maxAttempts, retryBackoff: backoff });
    return this;
  }

  withProcessTimeout(timeoutMs: number): this {
    this.options.processTimeoutMs = timeoutMs;
    return this;
  }

  withShutdownTimeout(timeoutMs: number): this {
    this.options.shutdownTimeoutMs = timeoutMs;
    return this;
  }

  startPaused(paused = true): this {
    this.options.startPaused = paused;
    return this;
  }

  withLogger(logger: LoggerService): this {
    this.options.logger = logger;
    return this;
  }

  withObserver(observer: ConsumerObserver): this {
    this.options.observer = observer;
    return this;
  }

  onExit(onExit: (error: unknown) => void): this {
    this.options.onExit = onExit;
    return this;
  }

  build(): ConsumerRunner {
    if (!this.processor) {
      throw new ConsumerConfigurationError(
        `The consumer of "${this.factory.source}" has no processor: call withProcessor() before build().`,
      );
    }
    return new ConsumerRunner(this.factory, this.processor, this.options);
  }
}
