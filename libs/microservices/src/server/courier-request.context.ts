import { BaseRpcContext } from '@nestjs/microservices';
import type { RequestContext } from '@courier-nest/core';

/**
 * What a `@MessagePattern` handler run by `CourierServer` gets as `@Ctx()`: the request as the
 * transport delivered it (queue, correlation id, headers).
 *
 * @example
 * @MessagePattern<string>('inventory.check')
 * check(@Payload() query: StockQuery, @Ctx() ctx: CourierRequestContext) { … }
 */
export class CourierRequestContext extends BaseRpcContext<[RequestContext]> {
  /** The queue the request came in on: the pattern. */
  getQueue(): string {
    return this.args[0].queue;
  }

  getCorrelationId(): string | undefined {
    return this.args[0].correlationId;
  }

  getHeaders(): Record<string, unknown> {
    return this.args[0].headers;
  }

  /** True if the transport delivered this request before (a responder died while handling it). */
  isRedelivered(): boolean {
    return this.args[0].redelivered;
  }
}
