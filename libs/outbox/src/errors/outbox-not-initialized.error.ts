import { CourierError } from '@courier-nest/core';
import { OutboxMessages } from '../outbox.messages';

/**
 * A `@Transactional()` method ran while no OutboxModule was initialised (not imported,
 * called before the application's init or after its close). Nothing ran: the method is
 * never executed without its transaction.
 */
export class OutboxNotInitializedError extends CourierError {
  readonly code = 'COURIER_OUTBOX_NOT_INITIALIZED';

  /** @param method `ClassName.method` of the decorated method. */
  constructor(readonly method: string) {
    super(OutboxMessages.notInitialized(method));
  }
}
