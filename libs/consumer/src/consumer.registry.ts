import { Inject, Injectable } from '@nestjs/common';
import { RESOLVED_CONSUMER_MODULE_OPTIONS } from './consumer.module-definition';
import type {
  ConsumeQueueOptions,
  ConsumerModuleOptions,
  QueueRef,
} from './interfaces/consumer-module-options.interface';
import type { Processor } from './interfaces/processor.interface';
import { queueOfKey } from './queue-ref.resolver';
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

  constructor(@Inject(RESOLVED_CONSUMER_MODULE_OPTIONS) private readonly options: ConsumerModuleOptions) {}

  define(definition: ConsumerDefinition): void {
    this.definitions.set(definition.queue, definition);
  }

  definition(queue: string): ConsumerDefinition | undefined {
    return this.definitions.get(queue);
  }

  allDefinitions(): ConsumerDefinition[] {
    return [...this.definitions.values()];
  }

  /** What the runner of `queue` runs with: the module's `defaults` under the method's own options. */
  runnerOptions(queue: string): ConsumeQueueOptions | undefined {
    const definition = this.definitions.get(queue);
    return definition && { ...this.options.defaults, ...definition.options };
  }

  attach(queue: string, runner: ConsumerRunner): void {
    this.runners.set(queue, runner);
  }

  /**
   * The runner of `queue`, a queue name or `{ key }` as in `@ConsumeQueue`; throws if no
   * `@ConsumeQueue` method consumes it.
   */
  get(queue: QueueRef): ConsumerRunner {
    const name = typeof queue === 'string' ? queue : queueOfKey(this.options.queues, queue.key);
    const runner = name === undefined ? undefined : this.runners.get(name);
    if (!runner) {
      const known = [...this.runners.keys()].join(', ') || 'none';
      const asked =
        typeof queue === 'string'
          ? `queue "${queue}"`
          : `queue key "${queue.key}" (${name ?? 'not in ConsumerModule "queues"'})`;
      throw new Error(`No consumer of ${asked} is running (running: ${known}).`);
    }
    return runner;
  }

  all(): ConsumerRunner[] {
    return [...this.runners.values()];
  }
}
