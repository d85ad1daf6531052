import { Injectable } from '@nestjs/common';
import type { ConsumeQueueOptions } from './interfaces/consumer-module-options.interface';
import type { Processor } from './interfaces/processor.interface';
import type { ConsumerRunner } from './runner/consumer.runner';

export interface ConsumerDefinition {
  queue: string;
  /** `Class.method`, for messages about it. */
  origin: string;
  processor: Processor;
  options: ConsumeQueueOptions;
}

/**
 * The `@ConsumeQueue` methods found at bootstrap and, once started, their runners:
 * operations code pauses, resumes or scales a consumer through `get(queue)`.
 */
@Injectable()
export class ConsumerRegistry {
  private readonly definitions = new Map<string, ConsumerDefinition>();
  private readonly runners = new Map<string, ConsumerRunner>();

  define(definition: ConsumerDefinition): void {
    this.definitions.set(definition.queue, definition);
  }

  definition(queue: string): ConsumerDefinition | undefined {
    return this.definitions.get(queue);
  }

  allDefinitions(): ConsumerDefinition[] {
    return [...this.definitions.values()];
  }

  attach(queue: string, runner: ConsumerRunner): void {
    this.runners.set(queue, runner);
  }

  /** The runner of `queue`; throws if no `@ConsumeQueue` method consumes it. */
  get(queue: string): ConsumerRunner {
    const runner = this.runners.get(queue);
    if (!runner) {
      const known = [...this.runners.keys()].join(', ') || 'none';
      throw new Error(`No consumer of queue "${queue}" is running (running: ${known}).`);
    }
    return runner;
  }

  all(): ConsumerRunner[] {
    return [...this.runners.values()];
  }
}
